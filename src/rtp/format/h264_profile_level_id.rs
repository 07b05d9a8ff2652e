//! H.264 `profile-level-id` (RFC 6184 §8.1): three hex bytes, profile_idc,
//! profile-iop (the constraint_set flags) and level_idc, and the level an
//! answer may name (RFC 6184 §8.2.2) as libwebrtc chooses it
//! (api/video_codecs/h264_profile_level_id.cc).

/// The profiles WebRTC endpoints tell apart, by profile_idc and profile-iop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    ConstrainedBaseline,
    Baseline,
    Main,
    ConstrainedHigh,
    High,
    PredictiveHigh444,
}

/// H.264 levels (Table A-1); `Level1b` is level_idc 11 with
/// constraint_set3 in the Baseline, Main and Extended profiles, or 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Level1b,
    Level(u8),
}

/// The level_idc values Table A-1 defines (10 is level 1, 31 is 3.1, ...).
const LEVEL_IDCS: [u8; 19] = [10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62];

/// constraint_set3_flag in profile-iop.
const CONSTRAINT_SET3: u8 = 0x10;

/// (profile_idc, profile-iop bits that must match, their values, profile),
/// first match wins (RFC 6184 §8.1 Table 5; bits outside the mask are free).
const PROFILE_PATTERNS: [(u8, u8, u8, Profile); 9] = [
    (0x42, 0b0100_1111, 0b0100_0000, Profile::ConstrainedBaseline),
    (0x4D, 0b1000_1111, 0b1000_0000, Profile::ConstrainedBaseline),
    (0x58, 0b1100_1111, 0b1100_0000, Profile::ConstrainedBaseline),
    (0x42, 0b0100_1111, 0b0000_0000, Profile::Baseline),
    (0x58, 0b1100_1111, 0b1000_0000, Profile::Baseline),
    (0x4D, 0b1010_1111, 0b0000_0000, Profile::Main),
    (0x64, 0b1111_1111, 0b0000_0000, Profile::High),
    (0x64, 0b1111_1111, 0b0000_1100, Profile::ConstrainedHigh),
    (0xF4, 0b1111_1111, 0b0000_0000, Profile::PredictiveHigh444),
];

/// A parsed `profile-level-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileLevelId {
    pub profile: Profile,
    pub level: Level,
}

impl Level {
    /// Level 1b lies between 1 and 1.1.
    fn rank(self) -> u16 {
        match self {
            Level::Level1b => 105,
            Level::Level(idc) => u16::from(idc) * 10,
        }
    }
}

impl ProfileLevelId {
    /// The value an fmtp line without `profile-level-id` implies for WebRTC
    /// endpoints: libwebrtc takes Constrained Baseline 3.1 (RFC 6184 says
    /// Baseline 1) for compatibility, and so do we.
    pub const DEFAULT: ProfileLevelId =
        ProfileLevelId { profile: Profile::ConstrainedBaseline, level: Level::Level(31) };

    /// Parses the six hex digits; `None` for a profile or level WebRTC does
    /// not know.
    pub fn parse(value: &str) -> Option<ProfileLevelId> {
        if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let number = u32::from_str_radix(value, 16).ok()?;
        let [_, profile_idc, profile_iop, level_idc] = number.to_be_bytes();
        let level = match level_idc {
            11 if profile_iop & CONSTRAINT_SET3 != 0 => Level::Level1b,
            idc if LEVEL_IDCS.contains(&idc) => Level::Level(idc),
            _ => return None,
        };
        let profile = PROFILE_PATTERNS
            .iter()
            .find(|&&(idc, mask, bits, _)| idc == profile_idc && profile_iop & mask == bits)
            .map(|&(_, _, _, profile)| profile)?;
        Some(ProfileLevelId { profile, level })
    }

    /// The value of an fmtp `profile-level-id` (absent: [`Self::DEFAULT`]).
    pub fn from_fmtp(value: Option<&str>) -> Option<ProfileLevelId> {
        value.map_or(Some(Self::DEFAULT), Self::parse)
    }

    /// The canonical six hex digits; `None` for level 1b outside the
    /// Baseline and Main profiles, which cannot say it.
    pub fn to_fmtp(self) -> Option<String> {
        let prefix = match (self.level, self.profile) {
            (Level::Level1b, Profile::ConstrainedBaseline) => return Some("42f00b".into()),
            (Level::Level1b, Profile::Baseline) => return Some("42100b".into()),
            (Level::Level1b, Profile::Main) => return Some("4d100b".into()),
            (Level::Level1b, _) => return None,
            (_, Profile::ConstrainedBaseline) => "42e0",
            (_, Profile::Baseline) => "4200",
            (_, Profile::Main) => "4d00",
            (_, Profile::ConstrainedHigh) => "640c",
            (_, Profile::High) => "6400",
            (_, Profile::PredictiveHigh444) => "f400",
        };
        match self.level {
            Level::Level(idc) => Some(format!("{prefix}{idc:02x}")),
            Level::Level1b => None,
        }
    }
}

/// What the answerer's fmtp for one H.264 payload type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct H264Fmtp<'a> {
    pub profile_level_id: Option<&'a str>,
    /// `level-asymmetry-allowed=1`.
    pub level_asymmetry_allowed: bool,
}

/// The `profile-level-id` an answer puts on an offered H.264 codec the
/// local side supports (RFC 6184 §8.2.2, as libwebrtc decides it):
/// `Ok(None)` when neither side names one (both mean the default);
/// `Err(())` when either is unparsable or the profiles differ, so the codec
/// cannot be answered. With level asymmetry allowed by both, the answer
/// names the local level (what we can receive); otherwise the lower of the
/// two, so the answer never upgrades the offer.
#[allow(clippy::result_unit_err)]
pub fn profile_level_id_for_answer(local: H264Fmtp<'_>, offered: H264Fmtp<'_>) -> Result<Option<String>, ()> {
    if local.profile_level_id.is_none() && offered.profile_level_id.is_none() {
        return Ok(None);
    }
    let local_id = ProfileLevelId::from_fmtp(local.profile_level_id).ok_or(())?;
    let offered_id = ProfileLevelId::from_fmtp(offered.profile_level_id).ok_or(())?;
    if local_id.profile != offered_id.profile {
        return Err(());
    }
    let asymmetric = local.level_asymmetry_allowed && offered.level_asymmetry_allowed;
    let level = if asymmetric || local_id.level.rank() <= offered_id.level.rank() {
        local_id.level
    } else {
        offered_id.level
    };
    ProfileLevelId { profile: local_id.profile, level }.to_fmtp().map(Some).ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<(Profile, Level)> {
        ProfileLevelId::parse(value).map(|id| (id.profile, id.level))
    }

    #[test]
    fn profiles_from_rfc_6184_table_5() {
        assert_eq!(parse("42e01f"), Some((Profile::ConstrainedBaseline, Level::Level(31))));
        assert_eq!(parse("42001f"), Some((Profile::Baseline, Level::Level(31))));
        assert_eq!(parse("4d001f"), Some((Profile::Main, Level::Level(31))));
        assert_eq!(parse("4d801f"), Some((Profile::ConstrainedBaseline, Level::Level(31))));
        assert_eq!(parse("58c01f"), Some((Profile::ConstrainedBaseline, Level::Level(31))));
        assert_eq!(parse("58801f"), Some((Profile::Baseline, Level::Level(31))));
        assert_eq!(parse("640c2a"), Some((Profile::ConstrainedHigh, Level::Level(42))));
        assert_eq!(parse("64001f"), Some((Profile::High, Level::Level(31))));
        assert_eq!(parse("f4001f"), Some((Profile::PredictiveHigh444, Level::Level(31))));
        assert_eq!(parse("42E01F"), parse("42e01f"));
    }

    #[test]
    fn level_1b_is_level_11_with_constraint_set3() {
        assert_eq!(parse("42f00b"), Some((Profile::ConstrainedBaseline, Level::Level1b)));
        assert_eq!(parse("42100b"), Some((Profile::Baseline, Level::Level1b)));
        assert_eq!(parse("4d100b"), Some((Profile::Main, Level::Level1b)));
        assert_eq!(parse("42e00b"), Some((Profile::ConstrainedBaseline, Level::Level(11))));
        for profile in [Profile::ConstrainedBaseline, Profile::Baseline, Profile::Main] {
            let id = ProfileLevelId { profile, level: Level::Level1b };
            assert_eq!(ProfileLevelId::parse(&id.to_fmtp().unwrap()), Some(id));
        }
        assert_eq!(ProfileLevelId { profile: Profile::High, level: Level::Level1b }.to_fmtp(), None);
    }

    #[test]
    fn unknown_values_are_refused() {
        for value in
            ["", "42e01", "42e01f0", "zze01f", "000000", "42e0ff", "6d001f", "640d1f", "42e0+1", "+42e01"]
        {
            assert_eq!(ProfileLevelId::parse(value), None, "{value}");
        }
    }

    #[test]
    fn answer_levels() {
        let fmtp = |profile_level_id, level_asymmetry_allowed| H264Fmtp {
            profile_level_id,
            level_asymmetry_allowed,
        };
        // Neither names one.
        assert_eq!(profile_level_id_for_answer(fmtp(None, false), fmtp(None, true)), Ok(None));
        // No asymmetry: the lower level.
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e01f"), false), fmtp(Some("42e015"), false)),
            Ok(Some("42e015".into()))
        );
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e015"), true), fmtp(Some("42e01f"), false)),
            Ok(Some("42e015".into()))
        );
        // Asymmetry on both sides: our own level.
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e01f"), true), fmtp(Some("42e015"), true)),
            Ok(Some("42e01f".into()))
        );
        // Level 1b sits between 1 and 1.1.
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e00b"), false), fmtp(Some("42f00b"), false)),
            Ok(Some("42f00b".into()))
        );
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e00a"), false), fmtp(Some("42f00b"), false)),
            Ok(Some("42e00a".into()))
        );
        // An absent side means Constrained Baseline 3.1.
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e02a"), false), fmtp(None, false)),
            Ok(Some("42e01f".into()))
        );
        // Different profiles, or garbage, cannot be answered.
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("640c1f"), false), fmtp(Some("42e01f"), false)),
            Err(())
        );
        assert_eq!(
            profile_level_id_for_answer(fmtp(Some("42e01f"), false), fmtp(Some("nonsense"), false)),
            Err(())
        );
    }
}

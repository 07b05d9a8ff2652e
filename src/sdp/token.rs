//! Lexical pieces shared by the line, attribute and candidate grammars:
//! whitespace-separated words, digit strings, and RFC 8866 §9 `token`.
//!
//! Every helper scans its input once and never indexes, so the parsers built
//! on them stay linear-time and cannot panic.

use std::str::FromStr;

/// A parse failure inside one line; the line parser adds the line number.
pub(super) type Fallible<T> = Result<T, String>;

/// The most lines plus list entries one parse may create; see the `sdp`
/// module doc.
pub const MAX_ENTRIES: usize = 100_000;

/// What is left of [`MAX_ENTRIES`] in one parse. Each entry costs at most a
/// few hundred bytes of model, so the budget bounds what a parse allocates
/// beyond a copy of its input, whatever that input is.
pub(super) struct Budget {
    left: usize,
}

impl Budget {
    pub(super) fn new() -> Self {
        Budget { left: MAX_ENTRIES }
    }

    /// Accounts for one more line or list entry.
    pub(super) fn take(&mut self) -> Fallible<()> {
        self.left = self
            .left
            .checked_sub(1)
            .ok_or_else(|| format!("more than {MAX_ENTRIES} lines and list entries in one description"))?;
        Ok(())
    }

    /// The remaining words, each made into an entry by `item`.
    pub(super) fn list<'a, T>(
        &mut self,
        words: Words<'a>,
        mut item: impl FnMut(&'a str) -> Fallible<T>,
    ) -> Fallible<Vec<T>> {
        words
            .map(|word| {
                self.take()?;
                item(word)
            })
            .collect()
    }
}

/// Splits a value into words separated by runs of ASCII whitespace, and can
/// hand back the unsplit rest. Words therefore never contain ASCII
/// whitespace, which is what lets the serializer join them with one space
/// and get the same words back.
pub(super) struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Words { rest: text }
    }

    /// The next word, or an error naming `what` was missing.
    pub(super) fn expect(&mut self, what: &str) -> Fallible<&'a str> {
        self.next().ok_or_else(|| format!("missing {what}"))
    }

    /// Everything after the words taken so far, without its leading
    /// whitespace; `None` when nothing but whitespace is left.
    pub(super) fn remainder(self) -> Option<&'a str> {
        let rest = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        (!rest.is_empty()).then_some(rest)
    }

    /// Fails if any word is left: for fields with a fixed number of words.
    pub(super) fn finish(mut self, what: &str) -> Fallible<()> {
        match self.next() {
            None => Ok(()),
            Some(extra) => Err(format!("unexpected `{}` after {what}", excerpt(extra))),
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if start.is_empty() {
            self.rest = start;
            return None;
        }
        let end = start.find(|c: char| c.is_ascii_whitespace()).unwrap_or(start.len());
        let (word, rest) = start.split_at(end);
        self.rest = rest;
        Some(word)
    }
}

/// An unsigned decimal number: ASCII digits only (`from_str` alone would also
/// take a leading `+`), in range for `T`.
pub(super) fn number<T: FromStr>(text: &str, what: &str) -> Fallible<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} `{}` is not a number", excerpt(text)));
    }
    text.parse().map_err(|_| format!("{what} `{}` is out of range", excerpt(text)))
}

/// RFC 8866 §9 `token-char`: visible ASCII except the separators
/// `"`, `(`, `)`, `,`, `/`, `:`, `;`, `<`, `=`, `>`, `?`, `@`, `[`, `\`, `]`, `{`, `}`.
pub(super) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(
            |b| matches!(b, 0x21 | 0x23..=0x27 | 0x2A..=0x2B | 0x2D..=0x2E | 0x30..=0x39 | 0x41..=0x5A | 0x5E..=0x7E),
        )
}

/// A non-empty run of non-whitespace, for fields whose grammar is a
/// single word (mids, ufrags, ...).
pub(super) fn single_word<'a>(text: &'a str, what: &str) -> Fallible<&'a str> {
    let mut words = Words::new(text);
    let word = words.expect(what)?;
    words.finish(what)?;
    if word.len() != text.len() {
        return Err(format!("{what} has surrounding whitespace"));
    }
    Ok(word)
}

/// At most 40 characters of `text`, so that an error about a megabyte-long
/// field stays short.
pub(super) fn excerpt(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

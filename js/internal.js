// Symbols shared between this package's classes and hidden from users: the
// token that lets only the package construct interfaces that have no public
// constructor, and internal hooks between objects.
export const CONSTRUCT = Symbol('wasmrtc.construct');
export const CLOSE_SILENTLY = Symbol('wasmrtc.closeSilently');
export const SET_TRACK = Symbol('wasmrtc.setTrack');
export const TRANSCEIVER_ID = Symbol('wasmrtc.transceiverId');
export const CHANNEL_EVENT = Symbol('wasmrtc.channelEvent');
// RTCRtpSender/RTCRtpReceiver: their encoded-frame hooks (js/media/encoded.js).
export const ENCODED = Symbol('wasmrtc.encoded');

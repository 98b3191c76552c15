/// Checks that bytes are well-formed UTF-8 as they arrive, one fragment at a time, so a text
/// message split across WebSocket fragments is checked as one (RFC 3629, as RFC 6455 §8.1
/// requires): a code point may be cut anywhere between fragments, but an invalid byte fails at
/// once, without waiting for the message to end.
struct UTF8StreamValidator: Sendable, Equatable {
    /// Continuation bytes the current code point still needs.
    private var remaining = 0
    /// Range of the next continuation byte: narrower than 0x80...0xBF right after E0, ED, F0
    /// and F4, which is what rules out overlong forms, surrogates and code points past U+10FFFF.
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// Feeds `bytes`; false at the first byte that cannot continue well-formed UTF-8.
    mutating func consume(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes {
            if remaining == 0 {
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: remaining = 1
                case 0xE0: (remaining, lower) = (2, 0xA0)
                case 0xE1...0xEC, 0xEE...0xEF: remaining = 2
                case 0xED: (remaining, upper) = (2, 0x9F)
                case 0xF0: (remaining, lower) = (3, 0x90)
                case 0xF1...0xF3: remaining = 3
                case 0xF4: (remaining, upper) = (3, 0x8F)
                default: return false  // continuation byte without a lead, C0, C1, F5...FF
                }
            } else {
                guard byte >= lower, byte <= upper else { return false }
                (remaining, lower, upper) = (remaining - 1, 0x80, 0xBF)
            }
        }
        return true
    }

    /// Whether the bytes so far end on a whole code point (a message must).
    var isAtCodePointBoundary: Bool { remaining == 0 }
}

import Foundation

/// Ollama's timestamps: RFC 3339 in UTC with fractional seconds, e.g. `2024-12-06T00:46:58.265747Z`.
enum WireTimestamp {
    static func now() -> String {
        format(Date())
    }

    /// Microsecond precision, as Foundation's formatter stops at milliseconds.
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let wholeSeconds = interval.rounded(.down)
        let microseconds = min(999_999, Int(((interval - wholeSeconds) * 1_000_000).rounded()))
        let base = Date(timeIntervalSince1970: wholeSeconds).formatted(Date.ISO8601FormatStyle())
        let fraction = String(microseconds)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }
}

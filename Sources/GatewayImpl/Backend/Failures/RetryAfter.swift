import Foundation
import NIOHTTP1

/// Reads how long a provider asks to wait before retrying: `retry-after-ms` (milliseconds, as
/// OpenAI sends it), else `Retry-After` as seconds or as an HTTP date (RFC 9110). The result is a
/// plain `Double` of seconds: finite, but possibly huge or negative. ``RetryPolicy`` bounds it;
/// nothing here converts it to an integer, so no value can trap.
enum RetryAfter {
    static func seconds(in headers: HTTPHeaders, now: Date = Date()) -> Double? {
        if let text = headers.first(name: "retry-after-ms"), let milliseconds = number(text) {
            return milliseconds / 1000
        }
        guard let text = headers.first(name: "retry-after") else { return nil }
        if let seconds = number(text) { return seconds }
        return date(text).map { $0.timeIntervalSince(now) }
    }

    /// `x-should-retry: true|false`, when present.
    static func shouldRetry(in headers: HTTPHeaders) -> Bool? {
        switch headers.first(name: "x-should-retry")?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    private static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Bounded length: a thousand-digit "number" is not a delay.
        guard !trimmed.isEmpty, trimmed.count <= 32, let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }

    private static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 64 else { return nil }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}

import Foundation

/// Removes secrets from a log line before anyone can read it back (`logs.tail`): the gateway
/// never logs secrets on purpose, this is the second line of defence. Redacted: `Bearer …`,
/// issued device tokens (`kdt_…`), and the value of any `key=value` / `key: value` / `"key":"value"`
/// pair whose key names a secret (token, password, apiKey, …), and credentials inside URLs
/// (``SecretRedactor/redactURLs(in:)``).
public enum LogRedaction {
    public static let placeholder = "[redacted]"

    private static let patterns: [NSRegularExpression] = [
        #"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"#,
        #"kdt_[A-Za-z0-9_-]+"#,
        #"(?i)((?:[a-z_-]*(?:token|secret|password|passwd|api[_-]?key|apikey|passphrase|private[_-]?key))"?\s*[=:]\s*"?)[^\s",}]+"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// Per pattern, words one of which a line must contain (lowercased) for the pattern to match:
    /// most lines contain none, and skip the regular expressions.
    private static let triggers: [[String]] = [
        ["bearer"],
        ["kdt_"],
        ["token", "secret", "passw", "api", "passphrase", "private"],
    ]

    public static func redact(_ line: String) -> String {
        var text = SecretRedactor.redactURLs(in: line)
        let lowered = text.lowercased()
        for (index, pattern) in patterns.enumerated() where triggers[index].contains(where: lowered.contains) {
            let range = NSRange(text.startIndex..., in: text)
            let template = index == 1 ? placeholder : "$1" + placeholder
            text = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return text
    }
}

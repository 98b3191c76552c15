import Foundation
import GeneratedProtocol

/// Replaces secrets in configuration values before anything is shown or returned — keys named
/// like secrets, and credentials written into URLs (`http://user:pass@host`, `?api_key=…`).
/// The one place that knows what a secret looks like: `config.get`, `health`, the `hello-ok`
/// snapshot, `status` and the log lines (``LogRedaction``) all go through it.
public enum SecretRedactor {
    /// OpenClaw's placeholder for a redacted value.
    public static let placeholder = "__OPENCLAW_REDACTED__"

    /// Whether a key names a secret (`token`, `gatewayToken`, `apiKey`, `clientSecret`,
    /// `password`, …) — by suffix, so counts such as `maxTokens` stay visible.
    public static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
        return ["token", "secret", "password", "apikey", "passphrase", "credentials", "privatekey"]
            .contains { lowered.hasSuffix($0) }
    }

    /// Whether a key names an address (`url`, `baseUrl`, `host`), whose value is redacted as a
    /// URL even without a scheme.
    static func isAddressKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.hasSuffix("url") || lowered == "host"
    }

    /// A URL for display: its userinfo (`user:pass@`) and the values of query parameters named
    /// like secrets replaced by the placeholder. Also takes the scheme-less forms `OLLAMA_HOST`
    /// accepts (`user:pass@host:11434`), since `raw` is known to be an address.
    public static func redactURL(_ raw: String) -> String {
        let text = redactURLs(in: raw)
        guard !text.contains("://") else { return text }
        // `user:pass@host:port/path`: everything before the last `@` of the authority.
        let authorityEnd = text.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[..<authorityEnd].lastIndex(of: "@") else { return text }
        return placeholder + text[at...]
    }

    /// `text` with the credentials of every `scheme://user:pass@host` in it and the values of
    /// secret-named query parameters (`?token=…`, `&api_key=…`) replaced by the placeholder.
    /// For free text such as log lines and error messages: an e-mail address stays as it is.
    public static func redactURLs(in text: String) -> String {
        guard text.contains("@") || text.contains("=") else { return text }
        var result = text
        for (pattern, template) in urlPatterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }

    private static let urlPatterns: [(NSRegularExpression, String)] = [
        // scheme://userinfo@ — userinfo runs to the last `@` before the path.
        (#"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#"'<>]*@"#, "$1\(placeholder)@"),
        // ?name=value / &name=value where the name contains a secret-like word.
        (#"(?i)([?&;](?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|key|sig|signature|auth|credential)[a-z0-9_.-]*)=)[^&#\s"'<>]*"#,
         "$1\(placeholder)"),
    ].compactMap { pattern, template in (try? NSRegularExpression(pattern: pattern)).map { ($0, template) } }

    /// The value with every string under a secret key replaced by the placeholder, and
    /// credentials inside URLs in any string replaced (``redactURLs(in:)``).
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                if isSecretKey(key), member != .null, member != .string("") {
                    result[key] = .string(placeholder)
                } else if isAddressKey(key), let text = member.stringValue {
                    result[key] = .string(redactURL(text))
                } else {
                    result[key] = redact(member)
                }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text):
            return .string(redactURLs(in: text))
        default:
            return value
        }
    }

    /// Whether redaction changes the value (the raw text must then not be shown as is).
    public static func containsSecrets(_ value: JSONValue) -> Bool {
        redact(value) != value
    }
}

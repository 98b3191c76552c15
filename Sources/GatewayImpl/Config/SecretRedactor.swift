import GeneratedProtocol

/// Replaces secrets in configuration values before anything is shown or returned.
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

    /// The value with every string under a secret key replaced by the placeholder.
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                if isSecretKey(key), member != .null, member != .string("") {
                    result[key] = .string(placeholder)
                } else {
                    result[key] = redact(member)
                }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(redact))
        default:
            return value
        }
    }

    /// Whether redaction changes the value (the raw text must then not be shown as is).
    public static func containsSecrets(_ value: JSONValue) -> Bool {
        redact(value) != value
    }
}

import Foundation

/// The text a device signs to prove it holds its key for this connection, as OpenClaw builds it
/// (`packages/gateway-client/src/device-auth.ts`). The Control UI signs v2; the Swift apps v3.
enum DeviceAuthPayload {
    struct Fields {
        var deviceId: String
        var clientId: String
        var clientMode: String
        var role: String
        var scopes: [String]
        var signedAtMs: Int
        /// `auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? ""`.
        var token: String
        var nonce: String
        var platform: String?
        var deviceFamily: String?
    }

    static func v2(_ fields: Fields) -> String {
        [
            "v2", fields.deviceId, fields.clientId, fields.clientMode, fields.role, fields.scopes.joined(separator: ","),
            String(fields.signedAtMs), fields.token, fields.nonce,
        ].joined(separator: "|")
    }

    static func v3(_ fields: Fields) -> String {
        [
            "v3", fields.deviceId, fields.clientId, fields.clientMode, fields.role, fields.scopes.joined(separator: ","),
            String(fields.signedAtMs), fields.token, fields.nonce, normalized(fields.platform), normalized(fields.deviceFamily),
        ].joined(separator: "|")
    }

    /// Trimmed, with ASCII A–Z lower-cased only (other letters stay as they are).
    static func normalized(_ value: String?) -> String {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.map { scalar in
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(truncatingIfNeeded: scalar.value + 32)) : scalar
        }))
    }
}

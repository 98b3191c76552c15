import Crypto
import Foundation
import GeneratedProtocol

/// A device identity as today's OpenClaw clients hold one: an Ed25519 key whose id is the hex
/// SHA-256 of the raw public key, signing the v2 (Control UI) or v3 (Swift apps) payload.
struct DeviceKey: Sendable {
    /// The raw private key (the key type itself is not Sendable).
    let rawPrivateKey = Curve25519.Signing.PrivateKey().rawRepresentation

    private var privateKey: Curve25519.Signing.PrivateKey {
        // A 32-byte raw key of our own making always loads.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)) ?? Curve25519.Signing.PrivateKey()
    }

    var rawPublicKey: Data { privateKey.publicKey.rawRepresentation }
    var id: String { Self.hex(SHA256.hash(data: rawPublicKey)) }
    var publicKey: String { Self.base64URL(rawPublicKey) }

    enum PayloadVersion: String { case v2, v3 }

    /// `device` for a connect: signed over what the client sends.
    func device(
        for params: ConnectParams, nonce: String, signedAt: Int = Int(Date().timeIntervalSince1970 * 1000),
        version: PayloadVersion = .v2, publicKeyText: String? = nil, idText: String? = nil
    ) throws -> ConnectParams.Device {
        let auth = params.auth
        var fields = [
            version.rawValue, idText ?? id, params.client.id.rawValue, params.client.mode.rawValue, params.role ?? "operator",
            (params.scopes ?? []).joined(separator: ","), String(signedAt),
            auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "", nonce,
        ]
        if version == .v3 { fields += [Self.normalized(params.client.platform), Self.normalized(params.client.deviceFamily)] }
        let signature = try privateKey.signature(for: Data(fields.joined(separator: "|").utf8))
        return ConnectParams.Device(
            id: idText ?? id, nonce: nonce, publicKey: publicKeyText ?? publicKey, signature: Self.base64URL(signature), signedAt: signedAt)
    }

    /// `params` with a signed `device` added.
    func signing(_ params: ConnectParams, nonce: String, version: PayloadVersion = .v2) throws -> ConnectParams {
        var signed = params
        signed.device = try device(for: params, nonce: nonce, version: version)
        return signed
    }

    static func normalized(_ value: String?) -> String {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return String(trimmed.map { $0.isASCII && $0.isUppercase ? Character($0.lowercased()) : $0 })
    }

    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

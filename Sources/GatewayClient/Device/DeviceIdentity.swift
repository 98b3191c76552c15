import Crypto
import Foundation
import GeneratedProtocol

/// A device identity as today's OpenClaw clients hold one: an Ed25519 key whose id is the hex
/// SHA-256 of the raw public key. It signs each handshake over what the client sends and the
/// gateway's challenge nonce (the v2 payload the Control UI signs).
public struct DeviceIdentity: Sendable, Equatable {
    /// The raw 32-byte private key: keep it to stay the same device.
    public let rawPrivateKey: Data

    /// A new identity.
    public init() {
        rawPrivateKey = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// The identity of a stored key; throws when it is not a 32-byte Ed25519 key.
    public init(rawPrivateKey: Data) throws {
        _ = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        self.rawPrivateKey = rawPrivateKey
    }

    private func privateKey() throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
    }

    /// The device id: hex SHA-256 of the raw public key.
    public var id: String {
        guard let key = try? privateKey() else { return "" }
        return SHA256.hash(data: key.publicKey.rawRepresentation).map { String(format: "%02x", $0) }.joined()
    }

    /// The raw public key, base64url without padding.
    public var publicKey: String {
        guard let key = try? privateKey() else { return "" }
        return Self.base64URL(key.publicKey.rawRepresentation)
    }

    /// `params` with `device` signed for this connection's challenge `nonce`.
    public func signing(_ params: ConnectParams, nonce: String, signedAt: Date = Date()) throws -> ConnectParams {
        let signedAtMs = Int(signedAt.timeIntervalSince1970 * 1000)
        let auth = params.auth
        let payload = [
            "v2", id, params.client.id.rawValue, params.client.mode.rawValue, params.role ?? "operator",
            (params.scopes ?? []).joined(separator: ","), String(signedAtMs),
            auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "", nonce,
        ].joined(separator: "|")
        let signature = try privateKey().signature(for: Data(payload.utf8))
        var signed = params
        signed.device = ConnectParams.Device(
            id: id, nonce: nonce, publicKey: publicKey, signature: Self.base64URL(signature), signedAt: signedAtMs)
        return signed
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        var text = Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

import Crypto
import Foundation
import GeneratedProtocol

/// Checks `connect.params.device` the way OpenClaw does (`message-handler.ts`,
/// `handshake-auth-helpers.ts`, `infra/device-identity.ts`), in its order:
///
/// 1. `id` is the lowercase hex SHA-256 of the raw Ed25519 public key (base64url or base64, or
///    an SPKI PEM) — else `device-id-mismatch`;
/// 2. `|now − signedAt|` ≤ 120 s — else `device-signature-stale`;
/// 3. `nonce`, trimmed, is present and is this connection's challenge — else
///    `device-nonce-missing` / `device-nonce-mismatch`;
/// 4. the key is 32 bytes — else `device-public-key`;
/// 5. `signature` (base64url, or base64) verifies over the v3 payload, else the v2 payload —
///    else `device-signature`.
struct DeviceIdentityVerifier: Sendable {
    /// The largest clock difference accepted, as OpenClaw's `DEVICE_SIGNATURE_SKEW_MS`.
    static let maxSkewMs = 120_000
    /// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
    static let spkiPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// What the device signed over besides itself.
    struct Claim: Sendable {
        var device: ConnectParams.Device
        var client: ConnectParams.Client
        /// The defaulted role and the scopes exactly as sent.
        var role: String
        var scopes: [String]
        /// `auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? ""`.
        var token: String
    }

    func verify(_ claim: Claim, challengeNonce: String, nowMs: Int) -> Result<VerifiedDevice, DeviceAuthFailure> {
        let device = claim.device
        guard let key = Self.rawPublicKey(device.publicKey), !key.isEmpty,
              Self.hexSHA256(key) == device.id
        else { return .failure(.deviceIdMismatch) }
        let (difference, overflow) = nowMs.subtractingReportingOverflow(device.signedAt)
        guard !overflow, difference.magnitude <= UInt(Self.maxSkewMs) else { return .failure(.signatureStale) }
        let nonce = device.nonce?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !nonce.isEmpty else { return .failure(.nonceMissing) }
        guard nonce == challengeNonce else { return .failure(.nonceMismatch) }
        guard key.count == 32, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key) else {
            return .failure(.publicKeyInvalid)
        }
        guard let signature = Base64Text.decode(device.signature) else { return .failure(.signatureInvalid) }
        let fields = DeviceAuthPayload.Fields(
            deviceId: device.id, clientId: claim.client.id.rawValue, clientMode: claim.client.mode.rawValue, role: claim.role,
            scopes: claim.scopes, signedAtMs: device.signedAt, token: claim.token, nonce: nonce,
            platform: claim.client.platform, deviceFamily: claim.client.deviceFamily)
        let version: String
        if publicKey.isValidSignature(signature, for: Data(DeviceAuthPayload.v3(fields).utf8)) {
            version = "v3"
        } else if publicKey.isValidSignature(signature, for: Data(DeviceAuthPayload.v2(fields).utf8)) {
            version = "v2"
        } else {
            return .failure(.signatureInvalid)
        }
        return .success(VerifiedDevice(
            id: device.id, publicKey: Base64Text.encodeURL(key), platform: DeviceAuthPayload.normalized(claim.client.platform),
            deviceFamily: DeviceAuthPayload.normalized(claim.client.deviceFamily), payloadVersion: version))
    }

    /// The raw key bytes of base64url/base64 text or an Ed25519 SPKI PEM; nil when it does not decode.
    static func rawPublicKey(_ text: String) -> Data? {
        guard text.contains("BEGIN") else { return Base64Text.decode(text) }
        let body = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-----") }.joined()
        guard let der = Base64Text.decode(body), der.count == spkiPrefix.count + 32, Array(der.prefix(spkiPrefix.count)) == spkiPrefix
        else { return nil }
        return Data(der.suffix(32))
    }

    static func hexSHA256(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

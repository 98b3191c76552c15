import Crypto
import Foundation
import GeneratedProtocol
@testable import Runtime
import Testing

/// OpenClaw's device-identity rules: id from the key, clock skew, nonce, the v3 then v2
/// signature; every malformed device block gets its own typed failure, none traps.
@Suite("Device identity verification")
struct DeviceIdentityVerifierTests {
    static let nonce = "5b0d6a3e-2f7c-4c1e-9a51-0c8f3f0b2d11"
    static let now = 1_767_225_600_000
    let key = DeviceKey()
    let verifier = DeviceIdentityVerifier()

    static func params(platform: String = "MacIntel", deviceFamily: String? = nil) -> ConnectParams {
        ConnectParams(
            auth: .init(token: "s3cret"),
            client: .init(deviceFamily: deviceFamily, id: .init(rawValue: "openclaw-control-ui"), mode: .init(rawValue: "webchat"),
                          platform: platform, version: "2026.6.2"),
            maxProtocol: 4, minProtocol: 4, role: "operator", scopes: ["operator.admin", "operator.read"])
    }

    func claim(_ params: ConnectParams, _ device: ConnectParams.Device) -> DeviceIdentityVerifier.Claim {
        .init(device: device, client: params.client, role: params.role ?? "operator", scopes: params.scopes ?? [],
              token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "")
    }

    func verify(_ device: ConnectParams.Device, params: ConnectParams = params(), nonce: String = nonce, now: Int = now)
        -> Result<VerifiedDevice, DeviceAuthFailure>
    {
        verifier.verify(claim(params, device), challengeNonce: nonce, nowMs: now)
    }

    @Test("a v2 signature (the Control UI's) and a v3 signature (the apps') both verify", arguments: [DeviceKey.PayloadVersion.v2, .v3])
    func validSignatures(_ version: DeviceKey.PayloadVersion) throws {
        let params = Self.params(platform: "  MacIntel ", deviceFamily: "iPad")
        let device = try key.device(for: params, nonce: Self.nonce, signedAt: Self.now, version: version)
        let verified = try verify(device, params: params).get()
        #expect(verified.id == key.id)
        #expect(verified.payloadVersion == version.rawValue)
        #expect(verified.publicKey == key.publicKey)
        #expect(verified.platform == "macintel", "trimmed, A–Z lower-cased")
        #expect(verified.deviceFamily == "ipad")
    }

    @Test("standard base64 with padding and an SPKI PEM key are accepted too")
    func otherEncodings() throws {
        let params = Self.params()
        var device = try key.device(for: params, nonce: Self.nonce, signedAt: Self.now)
        device.publicKey = key.rawPublicKey.base64EncodedString()
        #expect(throws: Never.self) { try verify(device, params: params).get() }
        let spki = Data(DeviceIdentityVerifier.spkiPrefix) + key.rawPublicKey
        device.publicKey = "-----BEGIN PUBLIC KEY-----\n\(spki.base64EncodedString())\n-----END PUBLIC KEY-----\n"
        #expect(throws: Never.self) { try verify(device, params: params).get() }
        let signature = try #require(Base64Text.decode(device.signature))
        device.signature = signature.base64EncodedString()
        #expect(throws: Never.self) { try verify(device, params: params).get() }
    }

    @Test("an id that is not the key's SHA-256 is device-id-mismatch")
    func idMismatch() throws {
        var device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: Self.now)
        device.id = DeviceKey().id
        #expect(verify(device) == .failure(.deviceIdMismatch))
        device.id = key.id.uppercased()
        #expect(verify(device) == .failure(.deviceIdMismatch), "the id is lowercase hex")
    }

    @Test("base64 garbage as the key is device-id-mismatch; as the signature, device-signature", arguments: [
        "!!!not base64!!!", "abc def", "a", "====", "QUJD=A", String(repeating: "A", count: 5000),
    ])
    func garbage(_ text: String) throws {
        var device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: Self.now)
        let good = device
        device.publicKey = text
        #expect(verify(device) == .failure(.deviceIdMismatch))
        device = good
        device.signature = text
        #expect(verify(device) == .failure(.signatureInvalid))
    }

    @Test("a key of the wrong length (with a matching id) is device-public-key", arguments: [1, 16, 31, 33, 64])
    func wrongKeyLength(_ length: Int) throws {
        let raw = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
        let id = DeviceKey.hex(SHA256.hash(data: raw))
        let device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: Self.now, publicKeyText: DeviceKey.base64URL(raw), idText: id)
        #expect(verify(device) == .failure(.publicKeyInvalid))
    }

    @Test("signedAt more than 120 s from the gateway's clock is device-signature-stale; 120 s is fine", arguments: [
        (-120_001, false), (120_001, false), (-120_000, true), (120_000, true), (0, true),
    ])
    func skew(_ offset: Int, _ accepted: Bool) throws {
        let device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: Self.now + offset)
        let result = verify(device)
        if accepted {
            #expect(throws: Never.self) { try result.get() }
        } else {
            #expect(result == .failure(.signatureStale))
        }
    }

    @Test("a signedAt no clock can reach is stale, not a crash", arguments: [Int.max, 0])
    func extremeSignedAt(_ signedAt: Int) throws {
        let device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: signedAt)
        #expect(verify(device) == .failure(.signatureStale))
    }

    @Test("a blank nonce is device-nonce-missing; another connection's nonce (a replay) is device-nonce-mismatch")
    func nonces() throws {
        var device = try key.device(for: Self.params(), nonce: Self.nonce, signedAt: Self.now)
        #expect(verify(device, nonce: "another-challenge") == .failure(.nonceMismatch))
        device.nonce = "   "
        #expect(verify(device) == .failure(.nonceMissing))
        device.nonce = nil
        #expect(verify(device) == .failure(.nonceMissing))
        device.nonce = " \(Self.nonce) "
        #expect(throws: Never.self) { try verify(device).get() }
    }

    @Test("a signature over other scopes, role or token does not verify")
    func tamperedClaim() throws {
        let params = Self.params()
        let device = try key.device(for: params, nonce: Self.nonce, signedAt: Self.now)
        var wider = params
        wider.scopes = ["operator.admin", "operator.read", "operator.pairing"]
        #expect(verify(device, params: wider) == .failure(.signatureInvalid))
        var otherToken = params
        otherToken.auth = .init(token: "stolen")
        #expect(verify(device, params: otherToken) == .failure(.signatureInvalid))
        var otherRole = params
        otherRole.role = "node"
        #expect(verify(device, params: otherRole) == .failure(.signatureInvalid))
    }

    @Test("every failure maps to INVALID_REQUEST with its DEVICE_AUTH_* code and reason", arguments: DeviceAuthFailure.allCases)
    func wireErrors(_ failure: DeviceAuthFailure) {
        #expect(GatewayError.deviceAuth(failure).code == .invalidRequest)
        #expect(GatewayError.deviceAuth(failure).details?["code"]?.stringValue?.hasPrefix("DEVICE_AUTH_") == true)
        #expect(GatewayError.deviceAuth(failure).details?["reason"] == .string(failure.rawValue))
        #expect(failure.detailCode.closeCode == .policyViolation)
    }
}

import Foundation
import KubeclawClient
import Testing

/// The compatibility constants: what the client offers, and that the Swift and the committed
/// TypeScript client name the same spec revision.
@Suite struct CompatibilityTests {
    @Test func theClientOffersEveryVersionOfTheSpecByDefault() {
        let client = KubeclawClient(url: URL(fileURLWithPath: "/"))
        #expect(client.options.protocols == 3...4)
        #expect(KubeclawClientProtocol.min == ProtocolVersion.oldest.rawValue)
        #expect(KubeclawClientProtocol.max == ProtocolVersion.newest.rawValue)
        #expect(KubeclawClientProtocol.upstream == ProtocolInfo.upstream)
        let params = client.options.connectParams()
        #expect(params.minProtocol == 3 && params.maxProtocol == 4)
        #expect(params.auth == nil)
    }

    @Test func theSwiftAndTypeScriptClientsShareTheSpecFingerprint() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let module = try String(contentsOf: root.appendingPathComponent("clients/typescript/kubeclaw-client.js"), encoding: .utf8)
        #expect(module.contains("fingerprint: \"\(KubeclawClientProtocol.fingerprint)\""))
    }

    @Test func aDeviceIdentitySignsTheConnectParamsOverTheNonce() throws {
        let device = DeviceIdentity()
        #expect(device.id.count == 64)
        let stored = try DeviceIdentity(rawPrivateKey: device.rawPrivateKey)
        #expect(stored.id == device.id)
        let options = GatewayClientOptions(url: URL(fileURLWithPath: "/"), auth: .token("t"))
        let signed = try device.signing(options.connectParams(), nonce: "n-1")
        #expect(signed.device?.id == device.id)
        #expect(signed.device?.nonce == "n-1")
        #expect(signed.device?.publicKey == device.publicKey)
        #expect(signed.auth?.token == "t")
        #expect(throws: (any Error).self) { try DeviceIdentity(rawPrivateKey: Data([1, 2, 3])) }
    }
}

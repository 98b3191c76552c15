import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import Testing

/// Device tokens over real sockets: issued to a device that signed in with the shared secret,
/// accepted in place of it (as `auth.token`, as the Control UI sends it), refused once revoked;
/// a refused connect stores nothing.
@Suite(.timeLimit(.minutes(10)))
struct DeviceTokenTests {
    /// Opens a connection and connects `key`'s signed identity with `auth`.
    static func connect(_ gateway: GatewayHarness, _ key: DeviceKey, token: String, protocol version: Int = 4) async throws -> (GatewaySession, ResponseFrame) {
        let session = try await gateway.open()
        let nonce = try #require(session.challenge?.json["payload"]?["nonce"]?.stringValue)
        var params = GatewayHarness.connectParams(
            scopes: ["operator.admin"], token: token, clientId: "openclaw-control-ui", mode: "webchat",
            minProtocol: version, maxProtocol: version)
        params = try key.signing(params, nonce: nonce)
        return (session, try await session.rawConnect(params))
    }

    @Test("a device that used the shared secret gets a token it can reconnect with, until it is revoked")
    func issueReuseRevoke() async throws {
        try await withGateway { gateway in
            let key = DeviceKey()
            let (first, hello) = try await Self.connect(gateway, key, token: try #require(gateway.token))
            #expect(hello.ok)
            let deviceToken = try #require(hello.payload?["auth"]?["deviceToken"]?.stringValue)
            #expect(deviceToken.hasPrefix("kdt_"))
            await first.close()

            let (second, again) = try await Self.connect(gateway, key, token: deviceToken)
            #expect(again.ok, "\(String(describing: again.error))")
            #expect(again.payload?["auth"]?["deviceToken"] == nil, "no new token for a device-token connect")
            await second.close()

            // Another device cannot use it.
            let (stranger, refused) = try await Self.connect(gateway, DeviceKey(), token: deviceToken)
            #expect(!refused.ok)
            await stranger.close()

            let revoked = try await gateway.assembly.store.revokeDevice(id: key.id, at: Int64(Date().timeIntervalSince1970 * 1000))
            #expect(revoked == 1)
            let (third, afterRevoke) = try await Self.connect(gateway, key, token: deviceToken)
            #expect(afterRevoke.error?.details?["code"]?.stringValue == "AUTH_DEVICE_TOKEN_MISMATCH")
            let recorder = FrameRecorder(third)
            #expect(try await recorder.closeCode() == 1008)
            // The shared secret still works and issues a fresh token.
            let (fourth, renewed) = try await Self.connect(gateway, key, token: try #require(gateway.token))
            let fresh = try #require(renewed.payload?["auth"]?["deviceToken"]?.stringValue)
            #expect(fresh != deviceToken)
            await fourth.close()
        }
    }

    @Test("a refused connect stores no device: wrong token, bad signature, replayed nonce")
    func failuresStoreNothing() async throws {
        try await withGateway { gateway in
            let key = DeviceKey()
            let (wrong, wrongToken) = try await Self.connect(gateway, key, token: "not-the-token")
            #expect(!wrongToken.ok)
            await wrong.close()

            let session = try await gateway.open()
            var params = GatewayHarness.connectParams(
                scopes: ["operator.admin"], token: gateway.token, clientId: "openclaw-control-ui", mode: "webchat",
                minProtocol: 4, maxProtocol: 4)
            params = try key.signing(params, nonce: "a-nonce-of-another-connection")
            let replayed = try await session.rawConnect(params)
            #expect(replayed.error?.details?["code"]?.stringValue == "DEVICE_AUTH_NONCE_MISMATCH")
            #expect(try await FrameRecorder(session).closeCode() == 1008)
            #expect(try await gateway.assembly.store.devices().isEmpty)
        }
    }
}

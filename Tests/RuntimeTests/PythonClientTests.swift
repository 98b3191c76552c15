import Foundation
import OllamaSimulator
import Testing

/// Clients written in another language, over real sockets: `Tests/PythonClients/openclaw_client.py`
/// connects as today's Control UI does (protocol 4, a signed Ed25519 device identity), streams a
/// chat at a model's pace, follows the session through `sessions.changed` and `session.message`,
/// reconnects with the device token it was issued and has a replayed signature refused; and as
/// a protocol-3 client that never heard of any of it. The script checks each step itself and
/// ends with `N passed, N failed`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PythonClientTests {
    static func expectClean(_ result: (status: Int32?, output: String)) {
        #expect(result.status == 0, "the client reported failures:\n\(result.output)")
        #expect(result.output.contains(" passed, 0 failed"), "no summary line:\n\(result.output)")
        #expect(!result.output.contains("FAIL "), "\(result.output)")
    }

    @Test("a v4 Control UI client: signed device, v4 deltas, session events, device-token reconnect")
    func controlUIClient() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 20)) { gateway in
            let result = try await PythonClients.run(
                "openclaw_client.py", ["v4", "--url", gateway.webSocketURL.absoluteString, "--token", gateway.token ?? ""])
            Self.expectClean(result)
            #expect(result.output.contains("ok v4: reconnect with the device token"), "\(result.output)")
        }
    }

    @Test("a v3 client without a device works unchanged")
    func protocol3Client() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 20)) { gateway in
            let result = try await PythonClients.run(
                "openclaw_client.py", ["v3", "--url", gateway.webSocketURL.absoluteString, "--token", gateway.token ?? ""])
            Self.expectClean(result)
        }
    }
}

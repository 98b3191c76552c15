import Foundation
import GatewayClient
import GeneratedProtocol
import OllamaSimulator
import Testing

/// `agent.wait` answers when the run ends, from whichever side of the run's end it arrives.
@Suite(.timeLimit(.minutes(10)))
struct AgentWaitTests {
    static let paced = SimulatorBehaviour(tokensPerSecond: 20)

    @Test("a wait sent while the run streams answers ok with its times once the run ends")
    func waitWhileStreaming() async throws {
        try await withGateway(behaviour: Self.paced) { gateway in
            let session = try await gateway.connect()
            let runId = try await session.startChat("hello")
            let waited = try await session.request("agent.wait", params: ["runId": .string(runId), "timeoutMs": 30_000])
            #expect(waited.payload?["status"] == "ok", "\(String(describing: waited.payload))")
            let started = try #require(waited.payload?["startedAt"]?.intValue)
            let ended = try #require(waited.payload?["endedAt"]?.intValue)
            #expect(started <= ended)
            await session.close()
        }
    }

    /// A run's outcome is recorded and its waiters told a moment before it leaves the set of
    /// running runs; a wait arriving in that moment used to wait for nothing and answer
    /// `timeout` (seen from the Python v4 client calling agent.wait right after `final`).
    @Test("a wait sent the moment final arrives answers ok at once, every time")
    func waitRightAfterFinal() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 40)) { gateway in
            let session = try await gateway.connect()
            for round in 0..<8 {
                // A fresh watcher per round: `firstEvent` consumes the session's event stream, and
                // reacts the moment the frame arrives (no polling), which is what opens the window.
                let watcher = try await gateway.connect()
                let key = "wait-\(round)-\(UUID().uuidString.prefix(8))"
                async let final = watcher.firstEvent(timeout: .seconds(60)) { event in
                    event.name == "chat" && event.json["payload"]?["runId"] == .string(key)
                        && event.json["payload"]?["state"] == "final"
                }
                _ = try await session.startChat("round \(round)", sessionKey: "wait-\(round)", idempotencyKey: key)
                _ = try await final
                let waited = try await watcher.request("agent.wait", params: ["runId": .string(key), "timeoutMs": 0])
                #expect(waited.payload?["status"] == "ok", "round \(round): \(String(describing: waited.payload))")
                await watcher.close()
            }
            await session.close()
        }
    }

    @Test("a run nobody started times out after timeoutMs with status timeout")
    func unknownRunTimesOut() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let waited = try await session.request("agent.wait", params: ["runId": "never-started", "timeoutMs": 200])
            #expect(waited.ok)
            #expect(waited.payload == ["runId": "never-started", "status": "timeout"])
            await session.close()
        }
    }
}

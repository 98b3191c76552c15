import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// Every way the model backend can fail ends the run with a `chat` event in state `error` and
/// a clear `errorMessage` — nothing hangs — and the connection goes on working.
@Suite(.timeLimit(.minutes(10)))
struct ChatBackendFailureTests {
    /// Sends a chat, waits for its terminal event and checks what every failure has in common:
    /// state `error` with the expected message on the canonical key, a lifecycle `error` agent
    /// event, only the user message in history, and a connection that still answers.
    static func expectFailure(
        _ gateway: GatewayHarness, sessionKey: String = "main", canonicalKey: String = "agent:main:main",
        _ matches: (String) -> Bool
    ) async throws -> String {
        let session = try await gateway.connect()
        let recorder = FrameRecorder(session)
        let runId = try await session.startChat("hello?", sessionKey: sessionKey)
        let run = try await recorder.run(runId, timeout: .seconds(20))
        #expect(run.terminal["state"] == "error")
        #expect(run.terminal["sessionKey"] == .string(canonicalKey))
        let message = run.terminal["errorMessage"]?.stringValue ?? ""
        #expect(matches(message), "errorMessage: \(message)")
        #expect(!run.chat.contains { $0["state"] == "final" })
        #expect(try await session.request("health").ok, "the connection stays usable")
        let lifecycle = recorder.events(of: runId).agent.filter { $0["stream"] == "lifecycle" }
        #expect(lifecycle.compactMap { $0["data"]?["phase"]?.stringValue } == ["start", "error"])
        #expect(lifecycle.last?["data"]?["error"] == .string(message))
        let history = try await session.historyMessages(sessionKey)
        #expect(history.map { $0["role"] } == ["user"], "no assistant message for a failed run")
        await session.close()
        return message
    }

    /// Once the simulator behaves again, the same gateway answers normally.
    static func expectRecovery(_ gateway: GatewayHarness, sessionKey: String = "main") async throws {
        gateway.simulator.behaviour = SimulatorBehaviour()
        let session = try await gateway.connect()
        let recorder = FrameRecorder(session)
        let runId = try await session.startChat("and now?", sessionKey: sessionKey)
        #expect(try await recorder.run(runId).terminal["state"] == "final")
        await session.close()
    }

    @Test("connection refused: the model server cannot be reached")
    func connectionRefused() async throws {
        try await withRefusedPort { closedPort in
            try await withGateway(ollamaURL: "http://127.0.0.1:\(closedPort)") { gateway in
                let message = try await Self.expectFailure(gateway) {
                    $0.hasPrefix("The model server cannot be reached:") && $0.contains("refused")
                }
                #expect(message.contains("127.0.0.1:\(closedPort)"))
            }
        }
    }

    @Test("the agent's model is not on the model server: 404 becomes 'pull it first'")
    func unknownAgentModel() async throws {
        try await withGateway(assemble: { $0.agent.model = "missing:7b" }) { gateway in
            _ = try await Self.expectFailure(gateway) {
                $0 == #"The model "missing:7b" is not available on the model server; pull it first."#
            }
            #expect(gateway.simulator.stats().lastChatRequest?.model == "missing:7b")
        }
    }

    @Test("the session's model was removed from the model server: 404 names it")
    func unknownSessionModel() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:small", "model": "llama3.2:3b"]).ok)
            await session.close()
            gateway.simulator.updateBehaviour { $0.models.removeAll { $0.name == "llama3.2:3b" } }
            _ = try await Self.expectFailure(gateway, sessionKey: "agent:main:small", canonicalKey: "agent:main:small") {
                $0 == #"The model "llama3.2:3b" is not available on the model server; pull it first."#
            }
            // The session's own model is gone, the agent's is not: the main session still chats.
            try await Self.expectRecovery(gateway)
        }
    }

    @Test("HTTP 500 from the model server carries its status and text")
    func serverError() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(errorStatus: 500, errorMessage: "CUDA error: out of memory")) { gateway in
            _ = try await Self.expectFailure(gateway) {
                $0 == "The model server answered with HTTP status 500: CUDA error: out of memory"
            }
            #expect(gateway.simulator.stats().chatsFailed == 1)
            try await Self.expectRecovery(gateway)
        }
    }

    @Test("a line of the reply stream that is not JSON")
    func malformedLine() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 50, malformedLineAfterChunks: 2)) { gateway in
            _ = try await Self.expectFailure(gateway) {
                $0.hasPrefix("The model server sent a reply that could not be understood")
            }
            let simulator = gateway.simulator
            try await eventually("the simulator stopped streaming") { simulator.stats().currentlyStreaming == 0 }
            try await Self.expectRecovery(gateway)
        }
    }

    @Test("the reply stream cut mid-way, without its done line")
    func streamCut() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 50, cutAfterChunks: 3)) { gateway in
            _ = try await Self.expectFailure(gateway) {
                $0 == "The model server closed the reply before it was complete."
            }
            try await Self.expectRecovery(gateway)
        }
    }

    @Test("no first token within the first-token timeout: the run fails and the model's request is cancelled")
    func firstTokenTooSlow() async throws {
        try await withGateway(
            behaviour: SimulatorBehaviour(hang: true),
            // Long enough that the recovery run below (same gateway) starts replying in time on a loaded machine.
            assemble: { $0.firstTokenTimeout = .seconds(5) }
        ) { gateway in
            _ = try await Self.expectFailure(gateway) { $0 == "The model did not start replying in time." }
            let simulator = gateway.simulator
            try await eventually("the simulator saw the gateway give up") {
                simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0
            }
            try await Self.expectRecovery(gateway)
        }
    }

    @Test("the reply stalls after its first piece: the stream-idle timeout ends the run and cancels the model's request")
    func replyStalls() async throws {
        try await withGateway(
            // A piece every 5 s against a 500 ms idle timeout: the timeout fires long before the
            // second piece even on a loaded machine.
            behaviour: SimulatorBehaviour(reply: .text("slow and steady"), tokensPerSecond: 0.2),
            assemble: { $0.streamIdleTimeout = .milliseconds(500) }
        ) { gateway in
            _ = try await Self.expectFailure(gateway) { $0 == "The model stopped sending its reply before it was complete." }
            let simulator = gateway.simulator
            try await eventually("the simulator saw the gateway give up") {
                simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0
            }
            try await Self.expectRecovery(gateway)
        }
    }
}

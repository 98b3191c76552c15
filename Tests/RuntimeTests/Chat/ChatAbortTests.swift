import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// `chat.abort` stops a run at once — the model's HTTP request is cancelled, so the simulator
/// sees its client leave — emits `aborted` with the partial text and keeps that text.
@Suite(.timeLimit(.minutes(10)))
struct ChatAbortTests {
    /// A long reply at 5 pieces a second: still streaming when the test aborts it.
    static let slow = SimulatorBehaviour(
        reply: .text((1...60).map { "word\($0)" }.joined(separator: " ")), tokensPerSecond: 5)

    /// Waits until the run has streamed at least two deltas (so there is partial text).
    static func waitForPartialText(_ recorder: FrameRecorder, _ runId: String) async throws {
        let first = try await recorder.event("chat") { $0["runId"] == .string(runId) && $0["state"] == "delta" }
        _ = try await recorder.event("chat", from: first.index + 1) { $0["runId"] == .string(runId) && $0["state"] == "delta" }
    }

    @Test("abort by runId: aborted:true, an aborted event with the partial text, the model's request cancelled, the partial text kept")
    func abortByRunId() async throws {
        try await withGateway(behaviour: Self.slow) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("tell me a long story")
            try await Self.waitForPartialText(recorder, runId)

            let abort = try await session.chatAbort(sessionKey: "main", runId: runId)
            #expect(abort.ok)
            #expect(abort.payload == ["ok": true, "aborted": true, "runIds": [.string(runId)]])

            let run = try await recorder.run(runId)
            #expect(run.terminal["state"] == "aborted")
            #expect(run.terminal["stopReason"] == "rpc")
            #expect(run.terminal["sessionKey"] == "agent:main:main")
            let partial = try #require(RunEvents.text(of: run.terminal))
            let full = "word1 " + (2...60).map { "word\($0)" }.joined(separator: " ")
            #expect(!partial.isEmpty && partial != full && full.hasPrefix(partial), "partial: \(partial)")
            let lastDelta = try #require(run.deltas.last.flatMap(RunEvents.text(of:)))
            #expect(partial.hasPrefix(lastDelta), "the aborted text holds at least what the deltas showed")
            #expect(!run.chat.contains { $0["state"] == "final" })

            let simulator = gateway.simulator
            try await eventually("the simulator saw the gateway hang up") {
                let stats = simulator.stats()
                return stats.chatsCancelled == 1 && stats.currentlyStreaming == 0
            }
            #expect(simulator.stats().chatsCompleted == 0)

            let history = try await session.historyMessages()
            #expect(history.count == 2)
            #expect(history.last?["role"] == "assistant")
            #expect(history.last.flatMap(RunEvents.text(of:)) == partial, "the partial answer is persisted")
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("abort with only the sessionKey aborts the session's running run")
    func abortBySessionKey() async throws {
        try await withGateway(behaviour: Self.slow) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("another long story", sessionKey: "agent:main:main")
            try await Self.waitForPartialText(recorder, runId)

            let abort = try await session.chatAbort(sessionKey: "main")
            #expect(abort.payload == ["ok": true, "aborted": true, "runIds": [.string(runId)]])
            let run = try await recorder.run(runId)
            #expect(run.terminal["state"] == "aborted")
            #expect(RunEvents.text(of: run.terminal)?.isEmpty == false)
            let simulator = gateway.simulator
            try await eventually("the simulator saw the gateway hang up") {
                simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0
            }
            await session.close()
        }
    }

    @Test("aborting an unknown runId, a finished run, or a session with nothing running reports aborted:false")
    func abortNothing() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let unknown = try await session.chatAbort(sessionKey: "main", runId: "no-such-run")
            #expect(unknown.payload == ["ok": true, "aborted": false, "runIds": []])

            let runId = try await session.startChat("quick one")
            #expect(try await recorder.run(runId).terminal["state"] == "final")
            let finished = try await session.chatAbort(sessionKey: "main", runId: runId)
            #expect(finished.payload == ["ok": true, "aborted": false, "runIds": []])
            let idle = try await session.chatAbort(sessionKey: "main")
            #expect(idle.payload == ["ok": true, "aborted": false, "runIds": []])
            await session.close()
        }
    }

    @Test("a runId of another session is refused with INVALID_REQUEST and the run goes on")
    func runIdOfAnotherSession() async throws {
        try await withGateway(behaviour: Self.slow) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("story", sessionKey: "agent:main:one")
            let wrong = try await session.chatAbort(sessionKey: "agent:main:two", runId: runId)
            #expect(wrong.ok == false)
            #expect(wrong.error?.code == "INVALID_REQUEST")
            #expect(wrong.error?.message == "runId does not match sessionKey")

            try await Self.waitForPartialText(recorder, runId)
            #expect(recorder.events(of: runId).chat.allSatisfy { $0["state"] == "delta" }, "still streaming")
            let right = try await session.chatAbort(sessionKey: "agent:main:one", runId: runId)
            #expect(right.payload?["aborted"] == true)
            #expect(try await recorder.run(runId).terminal["state"] == "aborted")
            await session.close()
        }
    }
}

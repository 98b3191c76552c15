import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// A model that never stops talking (a prompt-driven loop, a broken model) must not fill the
/// gateway's memory, every client's socket and the database: past `maxReplyBytes` the run ends
/// with stopReason `reply_size_cap`, the model's request is cancelled and the stored reply is
/// capped.
@Suite(.timeLimit(.minutes(5)))
struct ChatReplySizeCapTests {
    /// A long reply (4200 bytes, about 800 pieces: 20 s) at 40 pieces a second, a realistic model
    /// pace, with two-byte characters so the cut must fall on a character boundary. (The Ollama
    /// face streams a finite reply; long is enough: the cap is reached after about 1.5 s.)
    static let endless = SimulatorBehaviour(
        reply: .text(String(repeating: "héllo wörld ça va ", count: 200)), tokensPerSecond: 40)

    @Test("a reply past maxReplyBytes ends the run with stopReason reply_size_cap; the stored reply is capped; the model stops")
    func replyCapped() async throws {
        let cap = 300
        try await withGateway(behaviour: Self.endless, assemble: { $0.maxReplyBytes = cap }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("talk forever")
            let run = try await recorder.run(runId, timeout: .seconds(30))
            #expect(run.terminal["state"] == "aborted")
            #expect(run.terminal["stopReason"] == "reply_size_cap")
            let text = try #require(RunEvents.text(of: run.terminal))
            #expect(text.utf8.count <= cap && text.utf8.count > cap - 20, "\(text.utf8.count) bytes")
            #expect(String(repeating: "héllo wörld ça va ", count: 200).hasPrefix(text), "cut on a character boundary: \(text)")

            // The stored reply is the capped text, and says why it ends there.
            let stored = try #require(try await session.historyMessages().last)
            #expect(stored["role"] == "assistant")
            #expect(stored["stopReason"] == "reply_size_cap")
            #expect(RunEvents.text(of: stored) == text)

            // The model's request was cancelled: the simulator saw the gateway hang up.
            try await eventually("the simulator stopped streaming") {
                let stats = gateway.simulator.stats()
                return stats.chatsCancelled == 1 && stats.currentlyStreaming == 0
            }
            // The session takes the next message.
            gateway.simulator.updateBehaviour { $0 = SimulatorBehaviour() }
            let next = try await recorder.run(try await session.startChat("short please"), timeout: .seconds(30))
            #expect(next.terminal["state"] == "final")
            #expect(next.terminal["stopReason"] == "stop")
            await session.close()
        }
    }
}

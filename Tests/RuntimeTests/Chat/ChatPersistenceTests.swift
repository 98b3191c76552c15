import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// The transcript lives in the store: a new gateway process on the same data directory has
/// the history, the finished runs' idempotency records, and the partial answer of a run the
/// shutdown interrupted.
@Suite(.timeLimit(.minutes(10)))
struct ChatPersistenceTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-chat-\(UUID().uuidString)").path
    }

    @Test("history survives a restart, the conversation continues from it, and a finished key is still known")
    func historySurvivesRestart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = UUID().uuidString.lowercased()
        var before: [JSON] = []
        try await withGateway(dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            _ = try await session.startChat("remember me", idempotencyKey: key)
            #expect(try await recorder.run(key).terminal["state"] == "final")
            before = try await session.historyMessages()
            await session.close()
        }
        #expect(before.count == 2)

        try await withGateway(dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            #expect(try await session.historyMessages() == before)

            let retry = try await session.chatSend("remember me", idempotencyKey: key)
            #expect(retry.payload == ["runId": .string(key), "status": "ok"], "no second run after a restart")
            #expect(gateway.simulator.stats().chatsStarted == 0)

            let next = try await session.startChat("and now?")
            #expect(try await recorder.run(next).terminal["state"] == "final")
            let request = try #require(gateway.simulator.stats().lastChatRequest)
            #expect(Array(request.messages.dropFirst()) == [
                RecordedMessage(role: "user", content: "remember me"),
                RecordedMessage(role: "assistant", content: SimulatorReply.defaultText),
                RecordedMessage(role: "user", content: "and now?"),
            ])
            #expect(try await session.historyMessages().count == 4)
            await session.close()
        }
    }

    @Test("a run interrupted by shutdown keeps its partial answer, marked aborted, after a restart")
    func shutdownKeepsPartialAnswer() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let slow = SimulatorBehaviour(reply: .text((1...60).map { "word\($0)" }.joined(separator: " ")), tokensPerSecond: 5)
        let key = UUID().uuidString.lowercased()
        var streamed = ""
        try await withGateway(behaviour: slow, dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            _ = try await session.startChat("a long story", idempotencyKey: key)
            let first = try await recorder.event("chat") { $0["runId"] == .string(key) && $0["state"] == "delta" }
            let second = try await recorder.event("chat", from: first.index + 1) { $0["runId"] == .string(key) && $0["state"] == "delta" }
            streamed = second.json.flatMap { $0["payload"] }.flatMap(RunEvents.text(of:)) ?? ""
            // Leaving the closure shuts the gateway down while the run streams.
        }
        #expect(!streamed.isEmpty)

        try await withGateway(dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let history = try await session.historyMessages()
            #expect(history.map { $0["role"] } == ["user", "assistant"])
            let partial = history.last.flatMap(RunEvents.text(of:)) ?? ""
            #expect(partial.hasPrefix(streamed), "at least what the client saw: \(partial)")
            #expect(partial.hasPrefix("word1 word2"))
            #expect(history.last?["stopReason"] == "aborted")
            let retry = try await session.chatSend("a long story", idempotencyKey: key)
            #expect(retry.payload?["status"] == "ok", "the interrupted run is finished, not in flight")
            #expect(gateway.simulator.stats().chatsStarted == 0)
            await session.close()
        }
    }
}

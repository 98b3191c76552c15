import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// `chat.send` streams the model's reply over real sockets the way OpenClaw does: an immediate
/// ack whose runId is the idempotency key, cumulative deltas, one final, lifecycle events, and
/// a transcript that already holds the reply when `final` goes out.
@Suite(.timeLimit(.minutes(10)))
struct ChatStreamingTests {
    /// 20 pieces a second: several deltas per reply, still a quick test.
    static let paced = SimulatorBehaviour(tokensPerSecond: 20)

    @Test("the ack's runId is the idempotency key; cumulative deltas, then one final with the whole reply, all on agent:main:main")
    func streamsCumulativeDeltasThenOneFinal() async throws {
        try await withGateway(behaviour: Self.paced) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let key = UUID().uuidString.lowercased()
            let ack = try await session.chatSend("hello there", sessionKey: "main", idempotencyKey: key)
            #expect(ack.ok)
            #expect(ack.payload == ["runId": .string(key), "status": "started"])

            let run = try await recorder.run(key)
            #expect(run.chat.allSatisfy { $0["sessionKey"] == "agent:main:main" }, "the canonical key, although the client sent main")
            #expect(run.chat.allSatisfy { $0["runId"] == .string(key) })
            #expect(run.deltas.count >= 2, "the first piece goes out at once, the rest later")
            var previous = ""
            for delta in run.deltas {
                let text = try #require(RunEvents.text(of: delta))
                #expect(text.hasPrefix(previous) && text.count > previous.count, "cumulative: \(previous) → \(text)")
                #expect(delta["deltaText"]?.stringValue == String(text.dropFirst(previous.count)), "deltaText is the increment")
                #expect(delta["message"]?["role"] == "assistant")
                #expect((delta["message"]?["timestamp"]?.intValue ?? 0) > 1_700_000_000_000)
                previous = text
            }
            #expect(run.terminal["state"] == "final")
            #expect(RunEvents.text(of: run.terminal) == SimulatorReply.defaultText)
            #expect(previous == SimulatorReply.defaultText, "the last delta already held the whole text")
            #expect(run.terminal["stopReason"] == "stop")
            #expect(run.terminal["usage"]?["output"] == 9, "one token per simulated word")
            let seqs = run.chat.compactMap { $0["seq"]?.intValue }
            #expect(seqs.count == run.chat.count && seqs == seqs.sorted() && Set(seqs).count == seqs.count, "\(seqs)")

            // A round trip later nothing else arrived for the run: exactly one final.
            #expect(try await session.request("health").ok)
            let everything = recorder.events(of: key)
            #expect(everything.chat.filter { $0["state"] == "final" }.count == 1)
            #expect(everything.chat.count == run.chat.count, "no chat event after final")
            await session.close()
        }
    }

    @Test("agent lifecycle start and end frame the run, with the assistant stream in between")
    func agentLifecycleEvents() async throws {
        try await withGateway(behaviour: Self.paced) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("hi")
            _ = try await recorder.run(runId)
            // The end event goes out before the final chat event; a round trip makes sure all arrived.
            #expect(try await session.request("health").ok)
            let run = recorder.events(of: runId)
            #expect(run.lifecyclePhases == ["start", "end"])
            #expect(run.agent.allSatisfy { $0["sessionKey"] == "agent:main:main" })
            let end = run.agent.last { $0["stream"] == "lifecycle" }
            #expect(end?["data"]?["stopReason"] == "stop")
            let assistant = run.agent.filter { $0["stream"] == "assistant" }
            #expect(assistant.last?["data"]?["text"]?.stringValue == SimulatorReply.defaultText)
            #expect(assistant.compactMap { $0["data"]?["delta"]?.stringValue }.joined() == SimulatorReply.defaultText)
            // One numbering for the run's agent and chat events.
            let seqs = (run.agent + run.chat).compactMap { $0["seq"]?.intValue }.sorted()
            #expect(seqs == Array(1...seqs.count), "\(seqs)")
            await session.close()
        }
    }

    @Test("the reply is in chat.history when final arrives, after the user message, in OpenClaw's shape")
    func historyHoldsTheExchangeWhenFinalArrives() async throws {
        try await withGateway(behaviour: Self.paced) { gateway in
            let session = try await gateway.connect()
            let runId = try await session.startChat("what is a fox?")
            // Straight off the event stream: history is asked for the moment the run ends.
            let end = try await session.firstEvent { event in
                let payload = event.json["payload"] ?? .null
                return event.name == "chat" && payload["runId"] == .string(runId)
                    && RunEvents.terminalStates.contains(payload["state"]?.stringValue ?? "")
            }
            let messages = try await session.historyMessages("main")
            #expect(end.json["payload"]?["state"] == "final")
            #expect(messages.count == 2)
            let user = messages.first ?? .null, reply = messages.last ?? .null
            #expect(user["role"] == "user")
            #expect(user["content"] == [["type": "text", "text": "what is a fox?"]])
            #expect(reply["role"] == "assistant")
            #expect(reply["content"] == [["type": "text", "text": .string(SimulatorReply.defaultText)]])
            #expect(reply["stopReason"] == "stop")
            let userTime = try #require(user["timestamp"]?.intValue), replyTime = try #require(reply["timestamp"]?.intValue)
            #expect(userTime > 1_700_000_000_000 && replyTime >= userTime)
            #expect(reply["usage"]?["output"] == 9)

            let payload = try await session.history("agent:main:main")
            #expect(payload["sessionKey"] == "agent:main:main")
            #expect(payload["sessionId"]?.stringValue?.isEmpty == false)
            #expect(payload["messages"]?.arrayValue == messages, "main and agent:main:main are one session")
            await session.close()
        }
    }

    @Test("every client watching the session gets the run's events, including one that did not send")
    func twoClientsBothGetTheEvents() async throws {
        try await withGateway(behaviour: Self.paced) { gateway in
            let sender = try await gateway.connect()
            let watcher = try await gateway.connect(scopes: ["operator.read"])
            let sent = FrameRecorder(sender), watched = FrameRecorder(watcher)
            let runId = try await sender.startChat("tell us both")
            let senderRun = try await sent.run(runId)
            let watcherRun = try await watched.run(runId)
            #expect(watcherRun.terminal["state"] == "final")
            #expect(RunEvents.text(of: watcherRun.terminal) == SimulatorReply.defaultText)
            #expect(watcherRun.chat == senderRun.chat, "the same chat events, in the same order")
            #expect(watcherRun.deltas.count >= 2)
            await sender.close()
            await watcher.close()
        }
    }
}

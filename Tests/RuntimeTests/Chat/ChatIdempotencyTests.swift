import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// The idempotency key is the run: resending it never starts a second run, it reports the
/// first one (`in_flight` while it streams, `ok` once it finished).
@Suite(.timeLimit(.minutes(10)))
struct ChatIdempotencyTests {
    @Test("the same key while the run streams answers in_flight; after it finished, ok; the model was asked once")
    func retryYieldsOneRun() async throws {
        // Nine pieces at 3 a second: the run streams for about three seconds.
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 3)) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let key = UUID().uuidString.lowercased()
            let first = try await session.chatSend("only once, please", idempotencyKey: key)
            #expect(first.payload == ["runId": .string(key), "status": "started"])

            let whileRunning = try await session.chatSend("only once, please", idempotencyKey: key)
            #expect(whileRunning.ok)
            #expect(whileRunning.payload == ["runId": .string(key), "status": "in_flight"])
            #expect(recorder.events(of: key).chat.allSatisfy { $0["state"] == "delta" }, "the retry came while the run streamed")

            #expect(try await recorder.run(key).terminal["state"] == "final")
            let afterwards = try await session.chatSend("only once, please", idempotencyKey: key)
            #expect(afterwards.ok)
            #expect(afterwards.payload == ["runId": .string(key), "status": "ok"])

            // A round trip later: still one run, one exchange.
            #expect(try await session.request("health").ok)
            #expect(gateway.simulator.stats().chatsStarted == 1)
            let run = recorder.events(of: key)
            #expect(run.lifecyclePhases == ["start", "end"])
            #expect(run.chat.filter { $0["state"] == "final" }.count == 1)
            let history = try await session.historyMessages()
            #expect(history.map { $0["role"] } == ["user", "assistant"])
            await session.close()
        }
    }

    @Test("the same key from another connection is the same run too")
    func retryFromAnotherConnection() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 3)) { gateway in
            let first = try await gateway.connect()
            let second = try await gateway.connect()
            let recorder = FrameRecorder(first)
            let key = UUID().uuidString.lowercased()
            #expect(try await first.chatSend("hello", idempotencyKey: key).payload?["status"] == "started")
            #expect(try await second.chatSend("hello", idempotencyKey: key).payload?["status"] == "in_flight")
            #expect(try await recorder.run(key).terminal["state"] == "final")
            #expect(gateway.simulator.stats().chatsStarted == 1)
            await first.close()
            await second.close()
        }
    }

    @Test("a failed run's key answers ok:false, UNAVAILABLE, with status error and its summary")
    func retryOfAFailedRun() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(errorStatus: 500)) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let key = UUID().uuidString.lowercased()
            _ = try await session.startChat("fail", idempotencyKey: key)
            let failure = try await recorder.run(key).terminal
            #expect(failure["state"] == "error")
            let retry = try await session.chatSend("fail", idempotencyKey: key)
            #expect(retry.ok == false)
            #expect(retry.error?.code == "UNAVAILABLE")
            #expect(retry.payload?["runId"] == .string(key))
            #expect(retry.payload?["status"] == "error")
            #expect(retry.payload?["summary"] == failure["errorMessage"])
            #expect(gateway.simulator.stats().chatsStarted == 1, "no second run")
            await session.close()
        }
    }
}

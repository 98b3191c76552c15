import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// Concurrent chat runs: one streaming run per session (a second `chat.send` gets
/// `UNAVAILABLE` + `CHAT_RUN_ACTIVE`, never a second reply interleaved with the first), and at
/// most `maxConcurrentRunsPerClient` runs streaming per client identity (`CHAT_RUN_LIMIT`), so
/// one client cannot occupy every model slot. Documented in docs/chat.md.
@Suite(.timeLimit(.minutes(5)))
struct ChatRunLimitTests {
    /// A reply of 40 pieces at 10 a second: still streaming while the test sends again.
    static let slow = SimulatorBehaviour(
        reply: .text((1...40).map { "word\($0)" }.joined(separator: " ")), tokensPerSecond: 10)

    @Test("a second chat.send on a session whose run is streaming gets CHAT_RUN_ACTIVE; the first run completes; then the session takes the next")
    func secondSendOnBusySession() async throws {
        try await withGateway(behaviour: Self.slow) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let key = UUID().uuidString.lowercased()
            let first = try await session.startChat("tell me a story", idempotencyKey: key)
            _ = try await recorder.event("chat") { $0["runId"] == .string(first) && $0["state"] == "delta" }

            let second = try await session.chatSend("and another")
            #expect(!second.ok)
            #expect(second.error?.code == "UNAVAILABLE")
            #expect(second.error?.details?["code"] == "CHAT_RUN_ACTIVE")
            #expect(second.error?.details?["runId"] == .string(first))
            #expect(second.error?.retryable == true)
            // A resend of the running run's own key is still answered as in flight, not refused.
            let resend = try await session.chatSend("tell me a story", idempotencyKey: key)
            #expect(resend.ok && resend.payload?["status"] == "in_flight", "\(resend)")
            // Another session of the same client is not affected.
            let other = try await session.startChat("hi", sessionKey: "agent:main:other")

            #expect(try await recorder.run(first, timeout: .seconds(30)).terminal["state"] == "final")
            #expect(try await recorder.run(other, timeout: .seconds(30)).terminal["state"] == "final")
            // The refused message was not stored: the history is the first exchange only.
            let roles = try await session.historyMessages().compactMap { $0["role"]?.stringValue }
            #expect(roles == ["user", "assistant"])
            let next = try await session.startChat("and another")
            #expect(try await recorder.run(next, timeout: .seconds(30)).terminal["state"] == "final")
            await session.close()
        }
    }

    @Test("past maxConcurrentRunsPerClient streaming runs, chat.send gets CHAT_RUN_LIMIT from any connection of the client; a finished run frees a slot")
    func perClientRunLimit() async throws {
        try await withGateway(
            behaviour: SimulatorBehaviour(hang: true), configure: { $0.writeRateLimit.messages = 0 },
            assemble: { $0.maxConcurrentRunsPerClient = 3 }
        ) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            var runIds: [String] = []
            for index in 0..<3 { runIds.append(try await session.startChat("wait", sessionKey: "agent:main:hold-\(index)")) }

            let refused = try await session.chatSend("one more", sessionKey: "agent:main:hold-3")
            #expect(!refused.ok)
            #expect(refused.error?.code == "UNAVAILABLE")
            #expect(refused.error?.details?["code"] == "CHAT_RUN_LIMIT")
            #expect(refused.error?.details?["limit"] == 3)
            // A second connection of the same client (same address, no device) shares the limit.
            let again = try await gateway.connect()
            #expect(try await again.chatSend("from elsewhere", sessionKey: "agent:main:hold-4").error?.details?["code"] == "CHAT_RUN_LIMIT")
            #expect(try await again.request("health").ok, "the gateway answers everything else")

            // Ending one run frees its slot.
            #expect(try await session.chatAbort(sessionKey: "agent:main:hold-0").ok)
            #expect(try await recorder.run(runIds[0]).terminal["state"] == "aborted")
            let admitted = try await session.startChat("now", sessionKey: "agent:main:hold-3")
            for (index, runId) in [(1, runIds[1]), (2, runIds[2]), (3, admitted)] {
                #expect(try await session.chatAbort(sessionKey: "agent:main:hold-\(index)").ok)
                #expect(try await recorder.run(runId).terminal["state"] == "aborted")
            }
            await again.close()
            await session.close()
        }
    }
}

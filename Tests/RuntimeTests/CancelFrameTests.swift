import GatewayClient
@testable import GatewayImpl
import GeneratedProtocol
import Testing

/// A client's `{"type":"cancel","id":…}` frame (sent by today's clients when a request times out)
/// stops that request if it is still running: it is answered `UNAVAILABLE` with
/// `details.reason: "cancelled"`, never with a made-up result. An id that is not running is
/// ignored, and the connection carries on either way.
@Suite struct CancelFrameTests {
    @Test("a cancelled agent.wait is answered UNAVAILABLE cancelled, not status timeout")
    func cancelledWaitIsAnsweredCancelled() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let completions = await gateway.assembly.gateway.chat.completions
            async let waited = session.request(
                "agent.wait", params: ["runId": "run-that-never-starts", "timeoutMs": 120_000], id: "wait-1",
                timeout: .seconds(120))
            try await eventually("the wait reached the gateway") { completions.count == 1 }
            try await session.sendRaw(text: #"{"type":"cancel","id":"wait-1"}"#)
            let response = try await waited
            #expect(response.ok == false, "\(String(describing: response.payload))")
            #expect(response.error?.code == "UNAVAILABLE")
            #expect(response.error?.details?["reason"] == "cancelled")
            try await eventually("the cancelled wait let go of its waiter") { completions.count == 0 }
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("a cancel for an id that is not running is ignored: no answer, the connection carries on")
    func cancelOfUnknownIdIsIgnored() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            try await session.sendRaw(text: #"{"type":"cancel","id":"nothing-here"}"#)
            let health = try await session.request("health", id: "after-cancel")
            #expect(health.ok)
            #expect(session.protocolViolationCount == 0, "the cancel must not be answered")
            #expect(session.closeCode == nil)
            await session.close()
        }
    }
}

import Foundation
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

    @Test("a cancel in the same TCP write as its request (read before the request's task starts) still cancels it", .timeLimit(.minutes(5)))
    func cancelRightBehindTheRequest() async throws {
        try await withGateway { gateway in
            let port = gateway.addresses.webSocketPort
            try await RawConnection.with(port: port) { connection in
                try await connection.write(RawWebSocket.upgradeRequest(port: port))
                guard await connection.read(until: RawWebSocket.isUpgraded) else { throw TestFailure("no 101 Switching Protocols") }
                try await connection.write(try RawWebSocket.connect(token: gateway.token))
                guard await connection.read(until: { Self.answer(to: "raw-connect", in: $0) != nil }) else { throw TestFailure("connect was not answered") }
                for round in 0..<10 {
                    let id = "wait-\(round)"
                    let request = #"{"type":"req","id":"\#(id)","method":"agent.wait","params":{"runId":"never-\#(round)","timeoutMs":120000}}"#
                    try await connection.write(RawWebSocket.text(request) + RawWebSocket.text(#"{"type":"cancel","id":"\#(id)"}"#))
                    guard await connection.read(until: { Self.answer(to: id, in: $0) != nil }, limit: .seconds(20)) else {
                        throw TestFailure("\(id) was not answered: the cancel behind it was lost")
                    }
                    let answer = try #require(Self.answer(to: id, in: connection.received))
                    #expect(answer["ok"] == false)
                    #expect(answer["error"]?["details"]?["reason"] == "cancelled", "round \(round)")
                }
            }
        }
    }

    /// The response frame to request `id` among the server frames in `bytes`.
    private static func answer(to id: String, in bytes: [UInt8]) -> JSONValue? {
        RawWebSocket.serverFrames(in: bytes).lazy
            .compactMap { try? JSONValue.parse(Data($0.payload)) }
            .first { $0["type"] == "res" && $0["id"]?.stringValue == id }
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

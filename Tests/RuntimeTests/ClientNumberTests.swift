import GatewayClient
import GeneratedProtocol
import Testing

/// A client's number never reaches arithmetic that could trap. Before the spec bounded them,
/// `sessions.list {"activeMinutes": 9223372036854775807}` (needs only `operator.read`) ended
/// `kubeclaw serve` with an overflow trap, and `chat.send`'s `timeoutMs` did the same to the run
/// deadline. Now every out-of-range number gets `INVALID_REQUEST` naming the bound, the
/// connection stays usable and other clients never notice; the bounds themselves are served.
@Suite struct ClientNumberTests {
    /// Method, params with one number out of range, and the path the error names.
    static let outOfRange: [(String, JSONValue, String)] = [
        ("sessions.list", ["activeMinutes": .integer(Int.max)], "/activeMinutes"),
        ("sessions.list", ["offset": .integer(Int.max)], "/offset"),
        ("sessions.list", ["limit": .integer(Int.max)], "/limit"),
        ("sessions.list", ["activeMinutes": .number(1e300)], "/activeMinutes"),
        ("chat.send", ["sessionKey": "agent:main:n", "message": "hi", "idempotencyKey": "k1", "timeoutMs": .integer(Int.max)], "/timeoutMs"),
        ("chat.send", ["sessionKey": "agent:main:n", "message": "hi", "idempotencyKey": "k2", "fastAutoOnSeconds": .integer(Int.max)], "/fastAutoOnSeconds"),
        ("chat.history", ["sessionKey": "agent:main:n", "limit": .integer(Int.max)], "/limit"),
        ("chat.history", ["sessionKey": "agent:main:n", "maxChars": .integer(Int.max)], "/maxChars"),
        ("agent.wait", ["runId": "r", "timeoutMs": .integer(Int.max)], "/timeoutMs"),
        ("logs.tail", ["cursor": .integer(Int.max)], "/cursor"),
        ("channels.status", ["timeoutMs": .integer(Int.max)], "/timeoutMs"),
        ("sessions.patch", ["key": "agent:main:subagent:x", "spawnDepth": .integer(Int.max)], "/spawnDepth"),
    ]

    @Test("every out-of-range client number is refused with its path; the connection and others carry on")
    func outOfRangeNumbersAreRefused() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let bystander = try await gateway.connect()
            for (method, params, path) in Self.outOfRange {
                let response = try await session.request(method, params: params)
                #expect(response.ok == false, "\(method) \(params)")
                #expect(response.error?.code == "INVALID_REQUEST", "\(method) \(params)")
                #expect(response.error?.details?["reason"] == "invalid-params", "\(method) \(params)")
                let message = response.error?.message ?? ""
                #expect(message.contains("at \(path): must be"), "\(method): \(message)")
                #expect(try await session.request("health").ok, "after \(method) \(path)")
                #expect(try await bystander.request("health").ok, "bystander after \(method) \(path)")
            }
            #expect(try await gateway.http("/healthz").status == 200)
            await session.close()
            await bystander.close()
        }
    }

    @Test("the bounds themselves are served: the largest activeMinutes, offset and limit list sessions")
    func boundsAreServed() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let all = try await session.request("sessions.list", params: [
                "activeMinutes": .integer(Int(Int32.max)), "limit": .integer(Int(Int32.max)),
            ])
            #expect(all.ok, "\(String(describing: all.error))")
            let beyond = try await session.request("sessions.list", params: [
                "activeMinutes": .integer(Int(Int32.max)), "offset": .integer(Int(Int32.max)), "limit": .integer(Int(Int32.max)),
            ])
            #expect(beyond.ok, "\(String(describing: beyond.error))")
            #expect(beyond.payload?["count"] == 0)
            #expect(beyond.payload?["hasMore"] == false)
            await session.close()
        }
    }

    @Test("chat.send with the largest timeoutMs streams to its final answer")
    func largestTimeoutRuns() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("chat.send", params: [
                "sessionKey": "agent:main:bounds", "message": "hi", "idempotencyKey": "bounds-1",
                "timeoutMs": .integer(Int(Int32.max)),
            ])
            #expect(response.ok, "\(String(describing: response.error))")
            let runId = try #require(response.payload?["runId"]?.stringValue)
            let waited = try await session.request("agent.wait", params: ["runId": .string(runId), "timeoutMs": 30_000])
            #expect(waited.payload?["status"] == "ok", "\(String(describing: waited.payload))")
            await session.close()
        }
    }
}

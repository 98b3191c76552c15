import Foundation
import GatewayClient
import GeneratedProtocol

/// The chat calls the tests make, as raw requests so every answer can be asserted as sent.
extension GatewaySession {
    /// `chat.send`; the response as it is, `ok` or not.
    func chatSend(
        _ message: String, sessionKey: String = "main", idempotencyKey: String = UUID().uuidString.lowercased()
    ) async throws -> ResponseFrame {
        try await request("chat.send", params: [
            "sessionKey": .string(sessionKey), "message": .string(message), "deliver": false,
            "idempotencyKey": .string(idempotencyKey),
        ])
    }

    /// `chat.send` that must be acknowledged with `started`; returns the runId.
    func startChat(_ message: String, sessionKey: String = "main", idempotencyKey: String = UUID().uuidString.lowercased())
        async throws -> String
    {
        let ack = try await chatSend(message, sessionKey: sessionKey, idempotencyKey: idempotencyKey)
        guard ack.ok, ack.payload?["status"] == "started", let runId = ack.payload?["runId"]?.stringValue else {
            throw TestFailure("chat.send was not started: \(ack)")
        }
        return runId
    }

    /// `chat.abort`; the response as it is.
    func chatAbort(sessionKey: String, runId: String? = nil) async throws -> ResponseFrame {
        var params: [String: JSONValue] = ["sessionKey": .string(sessionKey)]
        if let runId { params["runId"] = .string(runId) }
        return try await request("chat.abort", params: .object(params))
    }

    /// `chat.history`'s payload; throws when the call fails.
    func history(_ sessionKey: String = "main") async throws -> JSONValue {
        let response = try await request("chat.history", params: ["sessionKey": .string(sessionKey)])
        guard response.ok, let payload = response.payload else { throw TestFailure("chat.history failed: \(response)") }
        return payload
    }

    /// The messages of `chat.history`.
    func historyMessages(_ sessionKey: String = "main") async throws -> [JSONValue] {
        try await history(sessionKey)["messages"]?.arrayValue ?? []
    }
}

extension GatewaySession {
    /// The first event matching `predicate`, read straight off ``events`` (no polling, so the
    /// caller reacts the moment it arrives); throws after `timeout`. Consumes ``events``, which
    /// has one consumer and ends once its reader is cancelled: call it at most once per session.
    func firstEvent(timeout: Duration = .seconds(30), where predicate: @escaping @Sendable (ReceivedEvent) -> Bool)
        async throws -> ReceivedEvent
    {
        let events = self.events
        return try await withThrowingTaskGroup(of: ReceivedEvent?.self) { group in
            group.addTask {
                for await event in events where predicate(event) { return event }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TestFailure("no matching event within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let event = try await group.next() ?? nil else { throw TestFailure("the connection ended before the event") }
            return event
        }
    }
}

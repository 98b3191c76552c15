import Foundation
import GatewayImpl
import GeneratedProtocol
import Testing

/// `chat.history` keeps its reply inside what a client buffers, dropping the oldest messages.
@Suite struct ChatHistoryBudgetTests {
    @Test("a history larger than half the client's buffer drops its oldest messages, keeps the newest")
    func oldestDropped() async throws {
        try await withGateway { gateway in
            let store = gateway.assembly.store
            let key = "agent:main:long"
            try await store.saveSession(SessionRecord(key: key, sessionId: UUID().uuidString, agentId: "main", createdAt: 1, updatedAt: 1))
            let text = String(repeating: "y", count: 10_000)
            for index in 0..<100 {
                _ = try await store.appendMessage(StoredMessage(
                    sessionKey: key, role: index % 2 == 0 ? "user" : "assistant",
                    content: [["type": "text", "text": .string("\(index) \(text)")]], timestamp: Int64(index + 1)))
            }
            let session = try await gateway.connect()
            let reply = try await session.request("chat.history", params: ["sessionKey": .string(key), "limit": 100])
            let messages = try #require(reply.payload?["messages"]?.arrayValue)
            #expect(messages.count < 100, "1 MB of history must not be sent whole to a 1 MiB buffer")
            #expect(messages.count > 40, "only what does not fit is dropped")
            #expect(messages.last?["timestamp"] == 100, "the newest message is kept")
            let timestamps = messages.compactMap { $0["timestamp"]?.intValue }
            #expect(timestamps == Array((101 - messages.count)...100), "a contiguous, newest run of messages")
            #expect(try JSONValue.array(messages).encodedData().count <= 1_048_576 / 2)
            await session.close()
        }
    }
}

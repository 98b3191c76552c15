import GatewayImpl
import GeneratedProtocol
import Testing

/// Transcripts: appended to an existing session, read back newest-N-oldest-first.
@Suite("Session store: messages")
struct SessionStoreMessageTests {
    private let key = "agent:main:main"

    @Test("append returns the message with a new, increasing id; content and usage round-trip exactly", arguments: StoreBackend.allCases)
    func appendAssignsIds(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession(key))
            let usage: JSONValue = ["input": 12, "output": 34, "cost": ["total": 0.0042]]
            let reply = StoredMessage(
                sessionKey: key, role: "assistant",
                content: [["type": "text", "text": "Hi, \"there\" / ☀️"], ["type": "image", "data": nil]],
                timestamp: 2_001, runId: "run-1", stopReason: "stop", usage: usage)

            let first = try await store.appendMessage(makeMessage(key, "hello", at: 2_000))
            let second = try await store.appendMessage(reply)

            let firstId = try #require(first.id)
            let secondId = try #require(second.id)
            #expect(secondId > firstId)
            var expected = reply
            expected.id = secondId
            #expect(second == expected)
            #expect(try await store.lastMessage(sessionKey: key) == expected)
        }
    }

    @Test("usage nil and usage JSON null stay distinct", arguments: StoreBackend.allCases)
    func usageNullVersusAbsent(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession(key))
            var withNull = makeMessage(key, "a")
            withNull.usage = .null
            _ = try await store.appendMessage(withNull)
            _ = try await store.appendMessage(makeMessage(key, "b"))

            let usages = try await store.messages(sessionKey: key, limit: 2).map(\.usage)
            #expect(usages == [.some(.null), nil])
        }
    }

    @Test("messages(limit:) returns the newest N, oldest first; a larger limit returns all; below 1 returns none", arguments: StoreBackend.allCases)
    func newestNOldestFirst(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession(key))
            try await store.saveSession(makeSession("agent:main:other"))
            for index in 1...7 {
                _ = try await store.appendMessage(makeMessage(key, "m\(index)", at: 2_000 + Int64(index)))
                _ = try await store.appendMessage(makeMessage("agent:main:other", "other\(index)"))
            }

            #expect(try await store.messages(sessionKey: key, limit: 3).map(text(of:)) == ["m5", "m6", "m7"])
            #expect(try await store.messages(sessionKey: key, limit: 100).map(text(of:))
                == ["m1", "m2", "m3", "m4", "m5", "m6", "m7"])
            #expect(try await store.messages(sessionKey: key, limit: 0).isEmpty)
            #expect(try await store.messages(sessionKey: "agent:main:nobody", limit: 10).isEmpty)
        }
    }

    @Test("append bumps the session's updatedAt to the message timestamp, never backwards", arguments: StoreBackend.allCases)
    func appendBumpsUpdatedAt(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession(key, updatedAt: 1_000))

            _ = try await store.appendMessage(makeMessage(key, "later", at: 5_000))
            #expect(try await store.session(key: key)?.updatedAt == 5_000)

            _ = try await store.appendMessage(makeMessage(key, "clock stepped back", at: 4_000))
            #expect(try await store.session(key: key)?.updatedAt == 5_000)
            #expect(try await store.session(key: key)?.createdAt == 1_000)
        }
    }

    @Test("appending to a session that does not exist throws unavailable and stores nothing", arguments: StoreBackend.allCases)
    func appendToMissingSession(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store async throws in
            await #expect(throws: SessionStoreError.unavailable(#"no session with key "agent:main:ghost""#)) {
                try await store.appendMessage(makeMessage("agent:main:ghost", "lost"))
            }
            #expect(try await store.messages(sessionKey: "agent:main:ghost", limit: 10).isEmpty)
            #expect(try await store.sessionCount() == 0)
        }
    }

    @Test("firstMessage finds the earliest message of a role; lastMessage the latest of any role; nil when none", arguments: StoreBackend.allCases)
    func firstAndLast(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession(key))
            #expect(try await store.firstMessage(sessionKey: key, role: "user") == nil)
            #expect(try await store.lastMessage(sessionKey: key) == nil)

            _ = try await store.appendMessage(makeMessage(key, "be brief", role: "system"))
            _ = try await store.appendMessage(makeMessage(key, "question 1", role: "user"))
            _ = try await store.appendMessage(makeMessage(key, "answer 1", role: "assistant"))
            _ = try await store.appendMessage(makeMessage(key, "question 2", role: "user"))
            _ = try await store.appendMessage(makeMessage(key, "answer 2", role: "assistant"))

            #expect(try await store.firstMessage(sessionKey: key, role: "user").map(text(of:)) == "question 1")
            #expect(try await store.firstMessage(sessionKey: key, role: "assistant").map(text(of:)) == "answer 1")
            #expect(try await store.firstMessage(sessionKey: key, role: "tool") == nil)
            #expect(try await store.lastMessage(sessionKey: key).map(text(of:)) == "answer 2")
        }
    }
}

import Foundation
import GatewayImpl
import Testing

/// The store's two retention calls: each deletes what the policy says and never more than its
/// limit in one call, so a sweep is a bounded write.
@Suite struct SessionStoreRetentionTests {
    @Test("expireSessions deletes the oldest idle sessions with their transcripts, at most limit, never a kept one", arguments: StoreBackend.allCases)
    func expire(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            for (index, key) in ["agent:main:a", "agent:main:b", "agent:main:c", "agent:main:d"].enumerated() {
                try await store.saveSession(makeSession(key, updatedAt: 100 + Int64(index)))
                _ = try await store.appendMessage(makeMessage(key, "hi", at: 50))
            }
            try await store.saveSession(makeSession("agent:main:fresh", updatedAt: 5_000))

            let first = try await store.expireSessions(updatedBefore: 1_000, keeping: ["agent:main:a"], limit: 2)
            #expect(first == ["agent:main:b", "agent:main:c"], "oldest first, the kept one skipped, two at most")
            #expect(try await store.messageCount(sessionKey: "agent:main:b") == 0, "the transcript went with it")
            #expect(try await store.session(key: "agent:main:a") != nil)

            #expect(try await store.expireSessions(updatedBefore: 1_000, keeping: ["agent:main:a"], limit: 2) == ["agent:main:d"])
            #expect(try await store.expireSessions(updatedBefore: 1_000, keeping: ["agent:main:a"], limit: 2) == [])
            #expect(try await store.session(key: "agent:main:fresh") != nil)
            #expect(try await store.sessionCount() == 2)
        }
    }

    @Test("expireSessions also removes old transcripts whose session was deleted without them", arguments: StoreBackend.allCases)
    func orphanedTranscripts(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:gone", updatedAt: 100))
            _ = try await store.appendMessage(makeMessage("agent:main:gone", "old", at: 100))
            #expect(try await store.deleteSession(key: "agent:main:gone", deleteTranscript: false))
            #expect(try await store.messageCount(sessionKey: "agent:main:gone") == 1)

            _ = try await store.expireSessions(updatedBefore: 1_000, keeping: [], limit: 10)
            #expect(try await store.messageCount(sessionKey: "agent:main:gone") == 0)
        }
    }

    @Test("trimTranscripts keeps the newest messages of long transcripts, deleting at most limit per call", arguments: StoreBackend.allCases)
    func trim(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.saveSession(makeSession("agent:main:long"))
            try await store.saveSession(makeSession("agent:main:short"))
            for index in 0..<10 { _ = try await store.appendMessage(makeMessage("agent:main:long", "m\(index)")) }
            for index in 0..<3 { _ = try await store.appendMessage(makeMessage("agent:main:short", "s\(index)")) }

            #expect(try await store.trimTranscripts(keepingNewest: 4, limit: 4) == 4)
            #expect(try await store.messageCount(sessionKey: "agent:main:long") == 6)
            #expect(try await store.trimTranscripts(keepingNewest: 4, limit: 4) == 2)
            #expect(try await store.messages(sessionKey: "agent:main:long", limit: 100).compactMap(text(of:)) == ["m6", "m7", "m8", "m9"])
            #expect(try await store.messageCount(sessionKey: "agent:main:short") == 3)
            #expect(try await store.trimTranscripts(keepingNewest: 4, limit: 4) == 0)
        }
    }
}

import Foundation
@testable import GatewayImpl
import GeneratedProtocol
import Testing

/// The SQLite store as a file: durable settings, restarts, migrations, closing, bad files,
/// concurrent writers.
@Suite("SQLite session store: lifecycle")
struct SQLiteSessionStoreLifecycleTests {
    @Test("init(directory:) creates missing directories and kubeclaw.sqlite inside them")
    func createsFile() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory + "/state/store"
            let store = try SQLiteSessionStore(directory: nested)
            #expect(store.path == nested + "/kubeclaw.sqlite")
            #expect(FileManager.default.fileExists(atPath: store.path))
            #expect(await store.isHealthy())
            try await store.close()
        }
    }

    @Test("the writer runs in WAL mode with synchronous = FULL, foreign keys on and a busy timeout")
    func durableSettings() async throws {
        try await withSQLiteStore { store in
            let settings = try await store.writerSettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)  // FULL
            #expect(settings.foreignKeys)
            #expect(settings.busyTimeoutMs == 5_000)
        }
    }

    @Test("everything survives a restart: close, reopen the same directory, all data is there")
    func survivesRestart() async throws {
        try await withTemporaryDirectory { directory in
            let session = SessionRecord(
                key: "agent:main:main", sessionId: "2c1f4a8e-0000-4000-8000-000000000001", agentId: "main",
                label: "home", settings: ["thinkingLevel": "low"], createdAt: 1_000, updatedAt: 1_000)
            let first = try SQLiteSessionStore(directory: directory)
            try await first.saveSession(session)
            let hello = try await first.appendMessage(makeMessage(session.key, "hello", at: 2_000))
            var reply = makeMessage(session.key, "hi!", role: "assistant", at: 2_500)
            reply.usage = ["input": 3, "output": 2]
            reply = try await first.appendMessage(reply)
            _ = try await first.beginRun(makeRun("idem-running", at: 2_000))
            _ = try await first.beginRun(makeRun("idem-done", at: 2_100))
            try await first.finishRun(idempotencyKey: "idem-done", status: .ok, summary: "fine", at: 2_500)
            try await first.close()

            let second = try SQLiteSessionStore(directory: directory)
            var bumped = session
            bumped.updatedAt = 2_500
            #expect(try await second.session(key: session.key) == bumped)
            #expect(try await second.messages(sessionKey: session.key, limit: 10) == [hello, reply])
            #expect(try await second.runningRuns().map(\.idempotencyKey) == ["idem-running"])
            #expect(try await second.run(idempotencyKey: "idem-done")?.summary == "fine")

            // Ids keep increasing across restarts: a transcript's order is its id order.
            let next = try await second.appendMessage(makeMessage(session.key, "again", at: 3_000))
            #expect(try #require(next.id) > (try #require(reply.id)))
            try await second.close()
        }
    }

    @Test("an appended message is in the files the moment append returns: a copy taken before any close holds it")
    func appendIsOnDiskWhenItReturns() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteSessionStore(directory: directory + "/live")
            try await store.saveSession(makeSession("agent:main:main"))
            let message = try await store.appendMessage(makeMessage("agent:main:main", "do not lose me"))

            // What a crash right now would leave behind: the database file and its WAL (the
            // shared-memory index is rebuilt by SQLite on open).
            let crashed = directory + "/crashed"
            try FileManager.default.createDirectory(atPath: crashed, withIntermediateDirectories: true)
            for suffix in ["", "-wal"] {
                try FileManager.default.copyItem(atPath: store.path + suffix, toPath: crashed + "/kubeclaw.sqlite" + suffix)
            }
            let recovered = try SQLiteSessionStore(directory: crashed)
            #expect(try await recovered.lastMessage(sessionKey: "agent:main:main") == message)
            try await recovered.close()
            try await store.close()
        }
    }

    @Test("migrations are recorded once: v1, v2 and v3 after the first open and still only those after reopening")
    func migrationsRunOnce() async throws {
        try await withTemporaryDirectory { directory in
            let first = try SQLiteSessionStore(directory: directory)
            #expect(try await first.appliedMigrations() == ["v1", "v2", "v3"])
            try await first.saveSession(makeSession("agent:main:main"))
            try await first.close()

            for _ in 0..<2 {
                let reopened = try SQLiteSessionStore(directory: directory)
                #expect(try await reopened.appliedMigrations() == ["v1", "v2", "v3"])
                #expect(try await reopened.sessionCount() == 1)
                try await reopened.close()
            }
        }
    }

    @Test("after close every call throws closed, isHealthy is false, and close again is harmless")
    func closedStore() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteSessionStore(directory: directory)
            try await store.saveSession(makeSession("agent:main:main"))
            #expect(await store.isHealthy())
            try await store.close()

            #expect(await store.isHealthy() == false)
            try await store.close()

            let key = "agent:main:main"
            await #expect(throws: SessionStoreError.closed) { try await store.session(key: key) }
            await #expect(throws: SessionStoreError.closed) { try await store.saveSession(makeSession(key)) }
            await #expect(throws: SessionStoreError.closed) { try await store.sessions(matching: SessionQuery()) }
            await #expect(throws: SessionStoreError.closed) { try await store.sessionCount() }
            await #expect(throws: SessionStoreError.closed) { try await store.deleteSession(key: key, deleteTranscript: true) }
            await #expect(throws: SessionStoreError.closed) { try await store.appendMessage(makeMessage(key, "x")) }
            await #expect(throws: SessionStoreError.closed) { try await store.messages(sessionKey: key, limit: 5) }
            await #expect(throws: SessionStoreError.closed) { try await store.firstMessage(sessionKey: key, role: "user") }
            await #expect(throws: SessionStoreError.closed) { try await store.lastMessage(sessionKey: key) }
            await #expect(throws: SessionStoreError.closed) { try await store.beginRun(makeRun("r")) }
            await #expect(throws: SessionStoreError.closed) { try await store.run(idempotencyKey: "r") }
            await #expect(throws: SessionStoreError.closed) {
                try await store.finishRun(idempotencyKey: "r", status: .ok, summary: nil, at: 1)
            }
            await #expect(throws: SessionStoreError.closed) { try await store.runningRuns() }
            await #expect(throws: SessionStoreError.closed) { try await store.pruneRuns(updatedBefore: 1) }
            await #expect(throws: SessionStoreError.closed) { try await store.appliedMigrations() }
        }
    }

    @Test("close folds the WAL into the database file, so the file alone holds every commit")
    func closeCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteSessionStore(directory: directory)
            try await store.saveSession(makeSession("agent:main:main"))
            try await store.close()

            let walSize = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
            #expect(walSize == 0)
        }
    }

    @Test("20 tasks appending at once keep every message, each with its own id")
    func concurrentAppends() async throws {
        try await withSQLiteStore { store in
            let key = "agent:main:main"
            try await store.saveSession(makeSession(key))
            let perTask = 10

            let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for task in 0..<20 {
                    group.addTask {
                        var ids: [Int64] = []
                        for index in 0..<perTask {
                            let message = makeMessage(key, "t\(task)-m\(index)", at: Int64(10_000 + index))
                            ids.append(try #require(try await store.appendMessage(message).id))
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }

            let stored = try await store.messages(sessionKey: key, limit: 1_000)
            #expect(ids.count == 200)
            #expect(Set(ids).count == 200)
            #expect(stored.count == 200)
            #expect(Set(stored.compactMap(\.id)) == Set(ids))
            #expect(Set(stored.compactMap(text(of:))).count == 200)
            #expect(stored.compactMap(\.id) == stored.compactMap(\.id).sorted())
        }
    }

    @Test("a file that is not an SQLite database is refused with unavailable naming the file, not its directory")
    func corruptFile() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/kubeclaw.sqlite"
            let garbage = Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try garbage.write(to: URL(fileURLWithPath: path))

            let error = try #require(throws: SessionStoreError.self) { try SQLiteSessionStore(directory: directory) }
            guard case .unavailable(let message) = error else {
                Issue.record("expected unavailable, got \(error)")
                return
            }
            #expect(message.hasPrefix("kubeclaw.sqlite: "))
            #expect(message.contains("not a database"))
            #expect(!message.contains(directory))
        }
    }

    @Test("a directory that cannot be created is refused with unavailable")
    func unwritableDirectory() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // A regular file where the store's directory should be: no permission trick that
            // root (CI) could bypass.
            let blocker = directory + "/blocker"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))

            #expect(throws: SessionStoreError.unavailable("cannot create the directory of kubeclaw.sqlite")) {
                try SQLiteSessionStore(directory: blocker + "/store")
            }
        }
    }
}

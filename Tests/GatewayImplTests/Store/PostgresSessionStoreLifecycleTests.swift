import Foundation
import GatewayImpl
import PostgresStore
import Testing
import ThrowawayPostgres

/// What only the shared store has: replicas on one database, migrations that replicas race
/// to apply, an unreachable or restarting database.
@Suite("PostgreSQL session store: lifecycle", .timeLimit(.minutes(5)))
struct PostgresSessionStoreLifecycleTests {
    private static func open(_ url: String, configure: (inout PostgresSessionStore.Settings) -> Void = { _ in })
        async throws -> PostgresSessionStore
    {
        var settings = PostgresSessionStore.Settings()
        configure(&settings)
        return try await PostgresSessionStore(url: try DatabaseURL(url), settings: settings, logger: quietLogger)
    }

    /// Runs `body` with `count` stores ("replicas") on one new database; closes them afterwards.
    private static func withReplicas<T>(_ count: Int, _ body: ([PostgresSessionStore]) async throws -> T) async throws -> T {
        let url = try await ThrowawayPostgres.shared().createDatabase()
        var stores: [PostgresSessionStore] = []
        for _ in 0..<count { stores.append(try await open(url)) }
        defer { Task { [stores] in for store in stores { try? await store.close() } } }
        let result = try await body(stores)
        for store in stores { try await store.close() }
        return result
    }

    @Test("replicas starting together on an empty database all open, and each migration is applied once")
    func concurrentMigrations() async throws {
        let url = try await ThrowawayPostgres.shared().createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresSessionStore.self) { group in
            for _ in 0..<4 { group.addTask { try await Self.open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        for store in stores {
            #expect(try await store.appliedMigrations() == ["v1", "v2", "v3", "v4"])
        }
        for store in stores { try await store.close() }
        let reopened = try await Self.open(url)
        #expect(try await reopened.appliedMigrations() == ["v1", "v2", "v3", "v4"])
        try await reopened.close()
    }

    @Test("what one replica writes the others read at once: sessions, transcripts, runs, devices")
    func replicasShare() async throws {
        try await Self.withReplicas(2) { replicas in
            let (a, b) = (replicas[0], replicas[1])
            try await a.saveSession(makeSession("agent:main:shared", updatedAt: 10, label: "shared"))
            _ = try await a.appendMessage(makeMessage("agent:main:shared", "hello", at: 20))
            #expect(try await b.session(key: "agent:main:shared")?.label == "shared")
            #expect(try await b.messages(sessionKey: "agent:main:shared", limit: 10).map { text(of: $0) } == ["hello"])
            #expect(try await b.session(key: "agent:main:shared")?.updatedAt == 20)

            let started = try await a.beginRun(makeRun("idem-shared", session: "agent:main:shared"))
            #expect(started.created)
            let retried = try await b.beginRun(makeRun("idem-shared", session: "agent:main:shared", at: 5_000))
            #expect(retried.created == false)
            #expect(retried.record == started.record)
        }
    }

    @Test("two replicas taking one label at once: exactly one wins, the other hears labelInUse")
    func labelRace() async throws {
        try await Self.withReplicas(2) { replicas in
            for round in 0..<10 {
                let label = "race-\(round)"
                let outcomes = await withTaskGroup(of: Bool.self) { group in
                    for (index, store) in replicas.enumerated() {
                        group.addTask {
                            do {
                                try await store.saveSession(makeSession("agent:main:r\(round)-\(index)", label: label))
                                return true
                            } catch let error as SessionStoreError {
                                return error == .labelInUse(label) ? false : true
                            } catch {
                                return true
                            }
                        }
                    }
                    return await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
                let holders = try await replicas[0].sessions(matching: SessionQuery(label: label))
                #expect(holders.count == 1)
            }
        }
    }

    @Test("two replicas appending to one transcript at once: every message kept, ids increase in transcript order")
    func concurrentAppends() async throws {
        try await Self.withReplicas(2) { replicas in
            try await replicas[0].saveSession(makeSession("agent:main:busy"))
            let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<40 {
                    let store = replicas[index % 2]
                    group.addTask { try await store.appendMessage(makeMessage("agent:main:busy", "m\(index)")).id }
                }
                return try await group.reduce(into: [Int64]()) { ids, id in if let id { ids.append(id) } }
            }
            #expect(Set(ids).count == 40)
            let transcript = try await replicas[1].messages(sessionKey: "agent:main:busy", limit: 100)
            #expect(transcript.count == 40)
            #expect(transcript.compactMap(\.id) == transcript.compactMap(\.id).sorted())
        }
    }

    @Test("after close every call throws closed, isHealthy is false, and close again is harmless")
    func closedStore() async throws {
        let store = try await Self.open(try await ThrowawayPostgres.shared().createDatabase())
        #expect(await store.isHealthy())
        try await store.close()
        await #expect(throws: SessionStoreError.closed) { try await store.session(key: "agent:main:main") }
        await #expect(throws: SessionStoreError.closed) { try await store.saveSession(makeSession("agent:main:main")) }
        #expect(await store.isHealthy() == false)
        try await store.close()
    }

    @Test("a database that never answers: opening keeps trying, then fails with unavailable naming it unreachable")
    func unreachableAtStart() async throws {
        // A port nobody listens on: the connection is refused at once, every time.
        let server = try await ThrowawayPostgres.shared()
        let url = server.url(database: "nowhere").replacingOccurrences(of: ":\(server.port)/", with: ":1/")
        await #expect {
            _ = try await Self.open(url) { $0.startupTimeout = .seconds(2) }
        } throws: { error in
            guard case let .unavailable(reason) = error as? SessionStoreError else { return false }
            return reason.contains("unreachable")
        }
    }

    @Test("the database restarts: calls fail with unavailable in bounded time, then succeed again; nothing committed is lost")
    func databaseRestart() async throws {
        let server = try await ThrowawayPostgres.start()
        defer { server.destroy() }
        let store = try await Self.open(try await server.createDatabase()) { $0.callTimeout = .seconds(3) }
        try await store.saveSession(makeSession("agent:main:durable"))
        _ = try await store.appendMessage(makeMessage("agent:main:durable", "before the restart"))

        try await server.stopServer()
        await #expect(throws: SessionStoreError.self) { try await store.messages(sessionKey: "agent:main:durable", limit: 10) }
        #expect(await store.isHealthy() == false)

        try await server.startServer()
        // The pool reconnects on its own (with backoff): wait for it, bounded.
        var healthy = false
        for _ in 0..<120 where !healthy {
            healthy = await store.isHealthy()
            if !healthy { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(healthy)
        _ = try await store.appendMessage(makeMessage("agent:main:durable", "after the restart"))
        #expect(try await store.messages(sessionKey: "agent:main:durable", limit: 10).map { text(of: $0) }
            == ["before the restart", "after the restart"])
        try await store.close()
    }
}

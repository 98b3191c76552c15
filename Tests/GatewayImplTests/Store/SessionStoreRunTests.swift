import GatewayImpl
import Testing

/// Run records: `chat.send` idempotency (runId == idempotencyKey), outcomes, crash recovery, TTL.
@Suite("Session store: runs")
struct SessionStoreRunTests {
    @Test("beginRun creates a new key; a second begin with the same key returns the first record, created false", arguments: StoreBackend.allCases)
    func beginIsIdempotent(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let run = makeRun("idem-1", at: 1_000)
            let first = try await store.beginRun(run)
            #expect(first.created)
            #expect(first.record == run)

            let retry = RunRecord(idempotencyKey: "idem-1", sessionKey: "agent:main:other", status: .running,
                                  summary: "retry", createdAt: 2_000, updatedAt: 2_000)
            let second = try await store.beginRun(retry)
            #expect(second.created == false)
            #expect(second.record == run)
            #expect(try await store.run(idempotencyKey: "idem-1") == run)
            #expect(try await store.run(idempotencyKey: "idem-2") == nil)
        }
    }

    @Test("concurrent begins of one key create it exactly once", arguments: StoreBackend.allCases)
    func concurrentBegins(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<10 {
                    group.addTask { try await store.beginRun(makeRun("idem-race", at: Int64(attempt))).created }
                }
                return try await group.reduce(into: 0) { count, created in count += created ? 1 : 0 }
            }
            #expect(created == 1)
        }
    }

    @Test("finishRun records status, summary and time; a retry then sees the outcome", arguments: StoreBackend.allCases)
    func finish(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.beginRun(makeRun("idem-1", at: 1_000))
            try await store.finishRun(idempotencyKey: "idem-1", status: .error, summary: "model not found", at: 1_500)

            let expected = RunRecord(idempotencyKey: "idem-1", sessionKey: "agent:main:main", status: .error,
                                     summary: "model not found", createdAt: 1_000, updatedAt: 1_500)
            #expect(try await store.run(idempotencyKey: "idem-1") == expected)
            let retry = try await store.beginRun(makeRun("idem-1", at: 2_000))
            #expect(retry.record == expected)
            #expect(retry.created == false)
        }
    }

    @Test("finishing an unknown run changes nothing and does not fail", arguments: StoreBackend.allCases)
    func finishUnknown(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.finishRun(idempotencyKey: "never-started", status: .ok, summary: nil, at: 1)
            #expect(try await store.run(idempotencyKey: "never-started") == nil)
        }
    }

    @Test("runningRuns lists only runs still running, oldest first", arguments: StoreBackend.allCases)
    func running(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.beginRun(makeRun("late", at: 3_000))
            _ = try await store.beginRun(makeRun("done", at: 1_000))
            _ = try await store.beginRun(makeRun("early", at: 2_000))
            try await store.finishRun(idempotencyKey: "done", status: .ok, summary: nil, at: 1_100)

            #expect(try await store.runningRuns().map(\.idempotencyKey) == ["early", "late"])
        }
    }

    @Test("pruneRuns forgets finished runs updated before the cut-off, keeps newer and running ones", arguments: StoreBackend.allCases)
    func prune(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            for key in ["old-ok", "old-aborted", "new-ok", "old-running"] {
                _ = try await store.beginRun(makeRun(key, at: 100))
            }
            try await store.finishRun(idempotencyKey: "old-ok", status: .ok, summary: nil, at: 500)
            try await store.finishRun(idempotencyKey: "old-aborted", status: .aborted, summary: nil, at: 999)
            try await store.finishRun(idempotencyKey: "new-ok", status: .ok, summary: nil, at: 1_000)

            try await store.pruneRuns(updatedBefore: 1_000)

            #expect(try await store.run(idempotencyKey: "old-ok") == nil)
            #expect(try await store.run(idempotencyKey: "old-aborted") == nil)
            #expect(try await store.run(idempotencyKey: "new-ok")?.status == .ok)
            #expect(try await store.run(idempotencyKey: "old-running")?.status == .running)
        }
    }
}

/// Run leases (replicas sharing a store): renewal by owner, expiry exactly once.
@Suite("Session store: run leases")
struct SessionStoreRunLeaseTests {
    private static func leased(_ key: String, owner: String, heartbeat: Int64, session: String? = nil) -> RunRecord {
        RunRecord(
            idempotencyKey: key, sessionKey: session ?? "agent:main:\(key)", createdAt: 100, updatedAt: 100, owner: owner,
            heartbeatAt: heartbeat)
    }

    @Test("beginRun keeps the owner and heartbeat; renew moves only the named running runs of the owner", arguments: StoreBackend.allCases)
    func renew(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.beginRun(Self.leased("a1", owner: "replica-a", heartbeat: 1_000))
            _ = try await store.beginRun(Self.leased("a2", owner: "replica-a", heartbeat: 1_000))
            _ = try await store.beginRun(Self.leased("b1", owner: "replica-b", heartbeat: 1_000))
            try await store.finishRun(idempotencyKey: "a2", status: .ok, summary: nil, at: 1_500)
            #expect(try await store.run(idempotencyKey: "a1")?.owner == "replica-a")

            #expect(try await store.renewRunLeases(owner: "replica-a", runIds: ["a1", "a2", "b1"], at: 2_000) == 1)
            #expect(try await store.run(idempotencyKey: "a1")?.heartbeatAt == 2_000)
            #expect(try await store.run(idempotencyKey: "a2")?.heartbeatAt == 1_000)
            #expect(try await store.run(idempotencyKey: "b1")?.heartbeatAt == 1_000)
            #expect(try await store.renewRunLeases(owner: "replica-c", runIds: ["a1"], at: 2_000) == 0)
            #expect(try await store.renewRunLeases(owner: "replica-a", runIds: [], at: 3_000) == 0)
            #expect(try await store.run(idempotencyKey: "a1")?.heartbeatAt == 2_000)
        }
    }

    @Test("expiry fails running runs whose lease is older than the cut-off (or missing), once, and nothing else", arguments: StoreBackend.allCases)
    func expire(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.beginRun(Self.leased("stale", owner: "replica-a", heartbeat: 1_000))
            _ = try await store.beginRun(Self.leased("fresh", owner: "replica-b", heartbeat: 5_000))
            _ = try await store.beginRun(makeRun("unleased", at: 100))
            _ = try await store.beginRun(Self.leased("done", owner: "replica-a", heartbeat: 1_000))
            try await store.finishRun(idempotencyKey: "done", status: .ok, summary: nil, at: 1_200)

            let expired = try await store.expireRunLeases(heartbeatBefore: 3_000, summary: "replica lost", at: 6_000)
            #expect(Set(expired.map(\.idempotencyKey)) == ["stale", "unleased"])
            #expect(expired.allSatisfy { $0.status == .error && $0.summary == "replica lost" && $0.updatedAt == 6_000 })
            #expect(try await store.run(idempotencyKey: "fresh")?.status == .running)
            #expect(try await store.run(idempotencyKey: "done")?.status == .ok)
            #expect(try await store.expireRunLeases(heartbeatBefore: 3_000, summary: "replica lost", at: 7_000).isEmpty)
        }
    }

    @Test("claimRun: created when the session is free, existing for a known key, busy while another run of the session holds a fresh lease", arguments: StoreBackend.allCases)
    func claim(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = Self.leased("c1", owner: "replica-a", heartbeat: 10_000, session: "agent:main:claimed")
            let claimed = try await store.claimRun(first, leaseFreshSince: 5_000)
            #expect(claimed == .created(first))
            let retried = try await store.claimRun(first, leaseFreshSince: 5_000)
            #expect(retried == .existing(first))
            let second = Self.leased("c2", owner: "replica-b", heartbeat: 11_000, session: "agent:main:claimed")
            let refused = try await store.claimRun(second, leaseFreshSince: 5_000)
            #expect(refused == .busy(first))
            let stored = try await store.run(idempotencyKey: "c2")
            #expect(stored == nil)
            // A stale lease does not hold the session.
            let afterExpiry = try await store.claimRun(second, leaseFreshSince: 10_001)
            #expect(afterExpiry == .created(second))
        }
    }

    @Test("replicas claiming runs of one session at once: exactly one is created", arguments: StoreBackend.allCases)
    func concurrentClaims(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let outcomes = try await withThrowingTaskGroup(of: RunClaim.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await store.claimRun(
                            RunRecord(idempotencyKey: "race-\(index)", sessionKey: "agent:main:race", createdAt: 100, updatedAt: 100,
                                      owner: "replica-\(index)", heartbeatAt: 100),
                            leaseFreshSince: 0)
                    }
                }
                return try await group.reduce(into: [RunClaim]()) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .created = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { if case .busy = $0 { true } else { false } }.count == 9)
        }
    }
}

import GatewayImpl
import Locking
import Logging
import PostgresNIO

/// The ``SessionStore`` replicas share: the same contract as ``SQLiteSessionStore``, on
/// PostgreSQL through a postgres-nio connection pool (docs/replicas.md).
///
/// - Every call has a deadline (``Settings/callTimeout``): while the database is unreachable
///   calls fail with ``SessionStoreError/unavailable(_:)`` in bounded time and ``isHealthy()``
///   is false (the gateway's `/readyz` reports it); the pool reconnects with backoff on its own,
///   so calls succeed again once the database is back.
/// - Writes that must be atomic run in one transaction; concurrency between replicas is left to
///   PostgreSQL's row locks and unique constraints, never to a check-then-write in Swift.
/// - Opening waits for the database (up to ``Settings/startupTimeout``) and migrates it under
///   an advisory lock, so replicas starting together neither fail nor race.
public final class PostgresSessionStore: SessionStore {
    /// How the store uses the database; the defaults suit a gateway replica.
    public struct Settings: Sendable {
        /// Connections per replica. Default 10 (5 replicas: 50 of PostgreSQL's default 100).
        public var maximumConnections = 10
        /// Longest wait for any one call, queueing for a connection included. Default 10 s.
        public var callTimeout: Duration = .seconds(10)
        /// How long opening keeps retrying an unreachable database. Default 60 s.
        public var startupTimeout: Duration = .seconds(60)

        public init() {}
    }

    public let url: DatabaseURL
    /// The URL without its password.
    public var location: String { url.description }

    private let client: PostgresClient
    /// The pool's background work (`PostgresClient.run()`), owned by the store: it starts with
    /// the store and ends with ``close()``.
    private let runner: Task<Void, Never>
    private let isOpen = Locked(true)
    private let settings: Settings
    private let logger: Logger

    /// Connects (waiting up to ``Settings/startupTimeout`` for the database) and migrates.
    ///
    /// - Throws: ``SessionStoreError/unavailable(_:)`` when the URL's TLS files cannot be read,
    ///   or the database stays unreachable or refuses the migrations.
    public init(url: DatabaseURL, settings: Settings = Settings(), logger: Logger) async throws {
        self.url = url
        self.settings = settings
        self.logger = logger
        let configuration: PostgresClient.Configuration
        do {
            configuration = try url.clientConfiguration(maximumConnections: settings.maximumConnections)
        } catch {
            throw SessionStoreError.unavailable("\(error)")
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrateWhenReachable()
        } catch {
            runner.cancel()
            await runner.value
            throw error
        }
    }

    /// Migrates, retrying while the database cannot be reached (the pool keeps reconnecting in
    /// the background, so an attempt waits for a connection until its deadline), until
    /// ``Settings/startupTimeout`` has passed. Errors the database answers with are final.
    private func migrateWhenReachable() async throws {
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: settings.startupTimeout)
        var pause = Duration.milliseconds(250)
        while true {
            let remaining = clock.now.duration(to: giveUp)
            do {
                let applied = try await CallDeadline.run(min(settings.callTimeout, max(remaining, .milliseconds(1)))) {
                    [client, logger] in try await PostgresSchema.migrate(client, logger: logger)
                }
                if !applied.isEmpty {
                    logger.notice("migrated the database", metadata: ["migrations": "\(applied.joined(separator: ", "))"])
                }
                return
            } catch {
                let translated = SessionStoreError.translatingPostgres(error)
                let unreachable = error is CallDeadline.Expired
                    || (translated as? SessionStoreError).map { "\($0)".contains("unreachable") } == true
                guard unreachable else { throw translated }
                guard clock.now.advanced(by: pause) < giveUp else {
                    throw SessionStoreError.unavailable(
                        "the database at \(location) is unreachable: no connection within \(settings.startupTimeout)")
                }
                logger.warning("waiting for the database", metadata: ["database": "\(location)", "error": "\(translated)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    // MARK: Sessions

    public func session(key: String) async throws -> SessionRecord? {
        try await call { client in
            try await Self.first(try await client.query("SELECT * FROM sessions WHERE key = \(key)"), SessionRecord.init(postgres:))
        }
    }

    public func saveSession(_ record: SessionRecord) async throws {
        try await transaction { connection, logger in try await Self.save(record, connection, logger) }
    }

    public func resetSession(_ record: SessionRecord) async throws {
        try await transaction { connection, logger in
            try await Self.save(record, connection, logger)
            try await connection.query("DELETE FROM messages WHERE session_key = \(record.key)", logger: logger)
        }
    }

    /// The label check names the taken label; the UNIQUE constraint still decides a race between
    /// replicas, and its violation is reported the same way.
    private static func save(_ record: SessionRecord, _ connection: PostgresConnection, _ logger: Logger) async throws {
        if let label = record.label {
            let holder = try await first(
                try await connection.query(
                    "SELECT key FROM sessions WHERE label = \(label) AND key <> \(record.key)", logger: logger)
            ) { try $0.decode(String.self) }
            if holder != nil { throw SessionStoreError.labelInUse(label) }
        }
        let settings = try StoredJSON.text(record.settings)
        do {
            try await connection.query("""
                INSERT INTO sessions (
                    key, session_id, agent_id, label, display_name, model, settings, spawned_by,
                    spawn_depth, aborted_last_run, input_tokens, output_tokens, created_at, updated_at
                ) VALUES (
                    \(record.key), \(record.sessionId), \(record.agentId), \(record.label), \(record.displayName),
                    \(record.model), \(settings), \(record.spawnedBy), \(record.spawnDepth), \(record.abortedLastRun),
                    \(record.inputTokens), \(record.outputTokens), \(record.createdAt), \(record.updatedAt)
                )
                ON CONFLICT (key) DO UPDATE SET
                    session_id = excluded.session_id, agent_id = excluded.agent_id, label = excluded.label,
                    display_name = excluded.display_name, model = excluded.model, settings = excluded.settings,
                    spawned_by = excluded.spawned_by, spawn_depth = excluded.spawn_depth,
                    aborted_last_run = excluded.aborted_last_run, input_tokens = excluded.input_tokens,
                    output_tokens = excluded.output_tokens, created_at = excluded.created_at, updated_at = excluded.updated_at
                """, logger: logger)
        } catch where SessionStoreError.sqlState(of: error) == "23505" && record.label != nil {
            throw SessionStoreError.labelInUse(record.label ?? "")
        }
    }

    public func sessions(matching query: SessionQuery) async throws -> [SessionRecord] {
        if let limit = query.limit, limit < 1 { return [] }
        let statement = try SessionListQuery(query).statement
        return try await call { client in try await Self.all(try await client.query(statement), SessionRecord.init(postgres:)) }
    }

    public func sessionCount() async throws -> Int {
        try await call { client in
            try await Self.first(try await client.query("SELECT COUNT(*) FROM sessions")) { try $0.decode(Int.self) } ?? 0
        }
    }

    public func deleteSession(key: String, deleteTranscript: Bool) async throws -> Bool {
        try await transaction { connection, logger in
            let deleted = try await Self.first(
                try await connection.query("DELETE FROM sessions WHERE key = \(key) RETURNING key", logger: logger)
            ) { try $0.decode(String.self) }
            // Also when the session is already gone: a kept transcript can still be removed.
            if deleteTranscript {
                try await connection.query("DELETE FROM messages WHERE session_key = \(key)", logger: logger)
            }
            return deleted != nil
        }
    }

    // MARK: Messages

    /// The session row's lock (taken by the bump) orders appends to one session across
    /// replicas, so ids increase in commit order within a transcript.
    public func appendMessage(_ message: StoredMessage) async throws -> StoredMessage {
        let content = try StoredJSON.text(message.content)
        let usage = try message.usage.map { try StoredJSON.text($0) }
        return try await transaction { connection, logger in
            let bumped = try await Self.first(
                try await connection.query("""
                    UPDATE sessions SET updated_at = GREATEST(updated_at, \(message.timestamp))
                    WHERE key = \(message.sessionKey) RETURNING key
                    """, logger: logger)
            ) { try $0.decode(String.self) }
            guard bumped != nil else {
                throw SessionStoreError.unavailable("no session with key \"\(message.sessionKey)\"")
            }
            let id = try await Self.first(
                try await connection.query("""
                    INSERT INTO messages (session_key, role, content, timestamp, run_id, stop_reason, usage)
                    VALUES (\(message.sessionKey), \(message.role), \(content), \(message.timestamp), \(message.runId),
                            \(message.stopReason), \(usage))
                    RETURNING id
                    """, logger: logger)
            ) { try $0.decode(Int64.self) }
            var stored = message
            stored.id = id
            return stored
        }
    }

    public func messages(sessionKey: String, limit: Int) async throws -> [StoredMessage] {
        guard limit > 0 else { return [] }
        return try await call { client in
            try await Self.all(
                try await client.query("""
                    SELECT * FROM (
                        SELECT * FROM messages WHERE session_key = \(sessionKey) ORDER BY id DESC LIMIT \(limit)
                    ) AS newest ORDER BY id ASC
                    """),
                StoredMessage.init(postgres:))
        }
    }

    public func messageCount(sessionKey: String) async throws -> Int {
        try await call { client in
            try await Self.first(
                try await client.query("SELECT COUNT(*) FROM messages WHERE session_key = \(sessionKey)")
            ) { try $0.decode(Int.self) } ?? 0
        }
    }

    public func firstMessage(sessionKey: String, role: String) async throws -> StoredMessage? {
        try await call { client in
            try await Self.first(
                try await client.query(
                    "SELECT * FROM messages WHERE session_key = \(sessionKey) AND role = \(role) ORDER BY id ASC LIMIT 1"),
                StoredMessage.init(postgres:))
        }
    }

    public func lastMessage(sessionKey: String) async throws -> StoredMessage? {
        try await call { client in
            try await Self.first(
                try await client.query("SELECT * FROM messages WHERE session_key = \(sessionKey) ORDER BY id DESC LIMIT 1"),
                StoredMessage.init(postgres:))
        }
    }

    // MARK: Runs

    /// One statement decides, so two replicas retrying the same `chat.send` cannot both create
    /// the run: the loser's insert does nothing and it reads the winner's record.
    public func beginRun(_ run: RunRecord) async throws -> (record: RunRecord, created: Bool) {
        try await transaction { connection, logger in
            let inserted = try await Self.first(
                try await connection.query("""
                    INSERT INTO runs (idempotency_key, session_key, status, summary, created_at, updated_at, owner, heartbeat_at)
                    VALUES (\(run.idempotencyKey), \(run.sessionKey), \(run.status.rawValue), \(run.summary),
                            \(run.createdAt), \(run.updatedAt), \(run.owner), \(run.heartbeatAt))
                    ON CONFLICT (idempotency_key) DO NOTHING
                    RETURNING *
                    """, logger: logger),
                RunRecord.init(postgres:))
            if let inserted { return (inserted, true) }
            let existing = try await Self.first(
                try await connection.query("SELECT * FROM runs WHERE idempotency_key = \(run.idempotencyKey)", logger: logger),
                RunRecord.init(postgres:))
            guard let existing else {
                throw SessionStoreError.unavailable("run \(run.idempotencyKey) vanished while it was being started")
            }
            return (existing, false)
        }
    }

    public func run(idempotencyKey: String) async throws -> RunRecord? {
        try await call { client in
            try await Self.first(
                try await client.query("SELECT * FROM runs WHERE idempotency_key = \(idempotencyKey)"), RunRecord.init(postgres:))
        }
    }

    public func finishRun(idempotencyKey: String, status: RunStatus, summary: String?, at: Int64) async throws {
        try await call { client in
            try await client.query("""
                UPDATE runs SET status = \(status.rawValue), summary = \(summary), updated_at = \(at)
                WHERE idempotency_key = \(idempotencyKey)
                """)
        }
    }

    /// Oldest first.
    public func runningRuns() async throws -> [RunRecord] {
        try await call { client in
            try await Self.all(
                try await client.query("""
                    SELECT * FROM runs WHERE status = \(RunStatus.running.rawValue)
                    ORDER BY created_at ASC, idempotency_key ASC
                    """),
                RunRecord.init(postgres:))
        }
    }

    /// Under a transaction-level advisory lock on the session key: two replicas claiming runs of
    /// one session at once are serialized, so exactly one sees the session free.
    public func claimRun(_ run: RunRecord, leaseFreshSince: Int64) async throws -> RunClaim {
        try await transaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(run.sessionKey)))", logger: logger)
            if let existing = try await Self.first(
                try await connection.query("SELECT * FROM runs WHERE idempotency_key = \(run.idempotencyKey)", logger: logger),
                RunRecord.init(postgres:))
            {
                return .existing(existing)
            }
            if let busy = try await Self.first(
                try await connection.query("""
                    SELECT * FROM runs WHERE session_key = \(run.sessionKey) AND status = \(RunStatus.running.rawValue)
                    AND heartbeat_at >= \(leaseFreshSince) ORDER BY created_at ASC LIMIT 1
                    """, logger: logger),
                RunRecord.init(postgres:))
            {
                return .busy(busy)
            }
            // The key may be claimed at this moment for another session (its lock is another):
            // the conflict makes that a replay, not an error.
            let inserted = try await Self.first(
                try await connection.query("""
                    INSERT INTO runs (idempotency_key, session_key, status, summary, created_at, updated_at, owner, heartbeat_at)
                    VALUES (\(run.idempotencyKey), \(run.sessionKey), \(run.status.rawValue), \(run.summary),
                            \(run.createdAt), \(run.updatedAt), \(run.owner), \(run.heartbeatAt))
                    ON CONFLICT (idempotency_key) DO NOTHING RETURNING *
                    """, logger: logger),
                RunRecord.init(postgres:))
            if let inserted { return .created(inserted) }
            guard let existing = try await Self.first(
                try await connection.query("SELECT * FROM runs WHERE idempotency_key = \(run.idempotencyKey)", logger: logger),
                RunRecord.init(postgres:))
            else { throw SessionStoreError.unavailable("run \(run.idempotencyKey) vanished while it was being claimed") }
            return .existing(existing)
        }
    }

    public func renewRunLeases(owner: String, runIds: [String], at: Int64) async throws -> Int {
        guard !runIds.isEmpty else { return 0 }
        return try await call { client in
            try await Self.all(
                try await client.query("""
                    UPDATE runs SET heartbeat_at = \(at)
                    WHERE owner = \(owner) AND status = \(RunStatus.running.rawValue) AND idempotency_key = ANY(\(runIds))
                    RETURNING idempotency_key
                    """)
            ) { try $0.decode(String.self) }.count
        }
    }

    /// One UPDATE: replicas sweeping at once each get a disjoint set (row locks), so every
    /// expired run is reported exactly once.
    public func expireRunLeases(heartbeatBefore: Int64, summary: String, at: Int64) async throws -> [RunRecord] {
        try await call { client in
            try await Self.all(
                try await client.query("""
                    UPDATE runs SET status = \(RunStatus.error.rawValue), summary = \(summary), updated_at = \(at)
                    WHERE status = \(RunStatus.running.rawValue) AND (heartbeat_at IS NULL OR heartbeat_at < \(heartbeatBefore))
                    RETURNING *
                    """),
                RunRecord.init(postgres:))
        }
    }

    public func pruneRuns(updatedBefore before: Int64) async throws {
        try await call { client in
            try await client.query(
                "DELETE FROM runs WHERE status <> \(RunStatus.running.rawValue) AND updated_at < \(before)")
        }
    }

    // MARK: Retention

    public func expireSessions(updatedBefore before: Int64, keeping: Set<String>, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        return try await transaction { connection, logger in
            // SKIP LOCKED: a session another replica is writing right now is left for the next sweep.
            let candidates = try await Self.all(
                try await connection.query("""
                    SELECT key FROM sessions WHERE updated_at < \(before)
                    ORDER BY updated_at ASC, key ASC LIMIT \(limit + keeping.count)
                    FOR UPDATE SKIP LOCKED
                    """, logger: logger)
            ) { try $0.decode(String.self) }
            let expired = Array(candidates.filter { !keeping.contains($0) }.prefix(limit))
            if !expired.isEmpty {
                try await connection.query("DELETE FROM messages WHERE session_key = ANY(\(expired))", logger: logger)
                try await connection.query("DELETE FROM sessions WHERE key = ANY(\(expired))", logger: logger)
            }
            try await connection.query("""
                DELETE FROM messages WHERE id IN (
                    SELECT id FROM messages AS m
                    WHERE m.timestamp < \(before) AND NOT EXISTS (SELECT 1 FROM sessions AS s WHERE s.key = m.session_key)
                    LIMIT \(limit)
                )
                """, logger: logger)
            return expired
        }
    }

    public func trimTranscripts(keepingNewest maxMessages: Int, limit: Int) async throws -> Int {
        guard maxMessages > 0, limit > 0 else { return 0 }
        let over = try await call { client in
            try await Self.all(
                try await client.query("""
                    SELECT session_key FROM messages GROUP BY session_key HAVING COUNT(*) > \(maxMessages)
                    ORDER BY session_key
                    """)
            ) { try $0.decode(String.self) }
        }
        guard !over.isEmpty else { return 0 }
        return try await transaction { connection, logger in
            var deleted = 0
            for key in over where deleted < limit {
                // Counted again inside the transaction: messages may have come or gone since.
                let count = try await Self.first(
                    try await connection.query("SELECT COUNT(*) FROM messages WHERE session_key = \(key)", logger: logger)
                ) { try $0.decode(Int.self) } ?? 0
                let excess = min(count - maxMessages, limit - deleted)
                guard excess > 0 else { continue }
                let removed = try await Self.all(
                    try await connection.query("""
                        DELETE FROM messages WHERE id IN (
                            SELECT id FROM messages WHERE session_key = \(key) ORDER BY id ASC LIMIT \(excess)
                        ) RETURNING id
                        """, logger: logger)
                ) { try $0.decode(Int64.self) }
                deleted += removed.count
            }
            return deleted
        }
    }

    // MARK: Lifecycle

    /// `SELECT 1` within a short deadline (a quarter of the call timeout, at most 2 s).
    public func isHealthy() async -> Bool {
        guard isOpen.withLock({ $0 }) else { return false }
        let timeout = min(settings.callTimeout / 4, .seconds(2))
        let one = try? await CallDeadline.run(timeout) { [client] in
            try await Self.first(try await client.query("SELECT 1")) { try $0.decode(Int.self) }
        }
        return one == 1
    }

    /// Marks the store closed (later calls throw ``SessionStoreError/closed``) and shuts the pool
    /// down: calls in flight end, every connection closes. PostgreSQL commits are durable when
    /// they return, so there is nothing to flush.
    public func close() async throws {
        let wasOpen = isOpen.withLock { open in
            defer { open = false }
            return open
        }
        guard wasOpen else { return }
        runner.cancel()
        await runner.value
    }

    /// The identifiers of the migrations applied to the database, in order (`["v1", "v2"]`).
    public func appliedMigrations() async throws -> [String] {
        try await call { [logger] client in try await PostgresSchema.appliedMigrations(client, logger: logger) }
    }

    // MARK: Plumbing

    /// Runs `body` with the pool, within the call deadline, errors translated (also for the event relay).
    @discardableResult
    func call<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        guard isOpen.withLock({ $0 }) else { throw SessionStoreError.closed }
        do {
            return try await CallDeadline.run(settings.callTimeout) { [client] in try await body(client) }
        } catch {
            if !(error is SessionStoreError), !isOpen.withLock({ $0 }) { throw SessionStoreError.closed }
            throw SessionStoreError.translatingPostgres(error)
        }
    }

    /// Runs `body` in one transaction on one connection; a throw rolls it back.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await call { [logger] client in
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
            } catch let error as PostgresTransactionError {
                // The closure's own error first: it says why (a taken label, a missing session).
                throw error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
            }
        }
    }

    /// The first row of `rows` read by `read`, or nil; the rest is drained so the connection is free.
    static func first<T>(_ rows: PostgresRowSequence, _ read: (PostgresRow) throws -> T) async throws -> T? {
        var value: T?
        for try await row in rows where value == nil {
            value = try read(row)
        }
        return value
    }

    /// Every row of `rows`, read by `read`.
    static func all<T>(_ rows: PostgresRowSequence, _ read: (PostgresRow) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in rows {
            values.append(try read(row))
        }
        return values
    }
}

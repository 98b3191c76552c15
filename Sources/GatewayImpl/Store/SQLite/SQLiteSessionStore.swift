import Foundation
import GRDB
import Locking

/// The embedded ``SessionStore``: one SQLite file, `kubeclaw.sqlite`, opened through a GRDB
/// `DatabasePool` in WAL mode (one writer, concurrent readers that never block it).
///
/// Durability comes first: every write commits with `synchronous = FULL`, so when a call that
/// writes returns, the data is on disk and survives a crash or power loss right after. The
/// price is one fsync of the WAL per commit, which a gateway appending chat messages at human
/// pace never notices. (GRDB's WAL default, `NORMAL`, may lose the last commits on power loss;
/// a chat reply the client has seen acknowledged must not disappear.)
///
/// All calls are `async` and run on GRDB's own queues, so callers never block the cooperative
/// thread pool waiting for SQLite. The store is safe to share between tasks.
public final class SQLiteSessionStore: SessionStore {
    /// The file name ``init(directory:)`` opens inside its directory.
    public static let fileName = "kubeclaw.sqlite"

    /// The database file.
    public let path: String
    public var location: String { path }

    /// The open pool, or nil once ``close()`` has started: the lock makes "closed" a single,
    /// race-free fact shared by every task.
    private let state: Locked<DatabasePool?>

    /// Opens (creating directories and the file) `<directory>/kubeclaw.sqlite`, runs migrations.
    ///
    /// - Throws: ``SessionStoreError/unavailable(_:)`` when the directory cannot be created or
    ///   the file cannot be opened, is not an SQLite database, or cannot be migrated.
    public convenience init(directory: String) throws {
        let path = directory.isEmpty ? Self.fileName
            : directory.hasSuffix("/") ? directory + Self.fileName
            : directory + "/" + Self.fileName
        try self.init(path: path)
    }

    /// Opens (creating its directory and the file) the database at `path`, runs migrations.
    ///
    /// - Throws: ``SessionStoreError/unavailable(_:)`` as ``init(directory:)`` does.
    public init(path: String) throws {
        self.path = path
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SessionStoreError.unavailable("cannot create the directory of \(fileName)")
        }

        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: SQLiteConnectionSetup.configuration(label: fileName))
            // Only the writer connection commits, so this is the one that needs it. It must come
            // after opening: GRDB sets `synchronous = NORMAL` when it switches the file to WAL,
            // after any `prepareDatabase` hook has run.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try SQLiteSchema.migrator().migrate(pool)
        } catch {
            throw SessionStoreError.translating(error, path: path)
        }
        state = Locked(pool)
    }

    // MARK: Sessions

    public func session(key: String) async throws -> SessionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE key = ?", arguments: [key])
                .map(SessionRecord.init(row:))
        }
    }

    public func saveSession(_ record: SessionRecord) async throws {
        try await write { db in try Self.save(record, db) }
    }

    public func resetSession(_ record: SessionRecord) async throws {
        try await write { db in
            try Self.save(record, db)
            try db.execute(sql: "DELETE FROM messages WHERE session_key = ?", arguments: [record.key])
        }
    }

    private static func save(_ record: SessionRecord, _ db: Database) throws {
        // Checked here, not left to the UNIQUE constraint, so the caller learns which label
        // is taken instead of getting a bare constraint failure.
        if let label = record.label,
           try String.fetchOne(
               db, sql: "SELECT key FROM sessions WHERE label = ? AND key <> ?",
               arguments: [label, record.key]) != nil
        {
            throw SessionStoreError.labelInUse(label)
        }
        try record.upsert(db)
    }

    public func sessions(matching query: SessionQuery) async throws -> [SessionRecord] {
        if let limit = query.limit, limit < 1 { return [] }

        // GLOB, not LIKE: the prefix test must be case-sensitive and `_` must not be a wildcard.
        var conditions = ["key NOT GLOB 'cron:*'"]
        var arguments = StatementArguments()
        if !query.includeGlobal { conditions.append("key <> 'global'") }
        if !query.includeUnknown { conditions.append("key <> 'unknown'") }
        if let updatedSince = query.updatedSince {
            conditions.append("updated_at >= ?")
            arguments += [updatedSince]
        }
        if let label = query.label {
            conditions.append("label = ?")
            arguments += [label]
        }
        if let agentId = query.agentId {
            conditions.append("agent_id = ?")
            arguments += [agentId]
        }
        if let spawnedBy = query.spawnedBy {
            conditions.append("spawned_by = ?")
            arguments += [spawnedBy]
        }
        // A blank search filters nothing, as in OpenClaw (which trims it first).
        if let search = query.search?.trimmingCharacters(in: .whitespacesAndNewlines), !search.isEmpty {
            let contains = SQLiteConnectionSetup.containsIgnoringCaseName
            conditions.append(
                "(\(contains)(key, ?) OR \(contains)(label, ?) OR \(contains)(display_name, ?) OR \(contains)(session_id, ?))")
            arguments += [search, search, search, search]
        }
        var sql = "SELECT * FROM sessions WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY updated_at DESC, key ASC"
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        if let offset = query.offset, offset > 0 {
            sql += query.limit == nil ? " LIMIT -1 OFFSET ?" : " OFFSET ?"
            arguments += [offset]
        }
        return try await read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(SessionRecord.init(row:))
        }
    }

    public func sessionCount() async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sessions") ?? 0
        }
    }

    public func deleteSession(key: String, deleteTranscript: Bool) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE key = ?", arguments: [key])
            let existed = db.changesCount > 0
            // Also when the session is already gone: a transcript kept by an earlier delete
            // can still be removed this way.
            if deleteTranscript {
                try db.execute(sql: "DELETE FROM messages WHERE session_key = ?", arguments: [key])
            }
            return existed
        }
    }

    // MARK: Messages

    /// The bump never moves `updatedAt` backwards: a message stamped earlier than the session's
    /// last update (a clock step, a replayed message) leaves it where it is.
    public func appendMessage(_ message: StoredMessage) async throws -> StoredMessage {
        try await write { db in
            try db.execute(
                sql: "UPDATE sessions SET updated_at = MAX(updated_at, ?) WHERE key = ?",
                arguments: [message.timestamp, message.sessionKey])
            guard db.changesCount > 0 else {
                throw SessionStoreError.unavailable("no session with key \"\(message.sessionKey)\"")
            }
            var stored = message
            stored.id = try message.insert(db)
            return stored
        }
    }

    /// Ordered by `id`, i.e. append order, which timestamps from different clocks may not be.
    public func messages(sessionKey: String, limit: Int) async throws -> [StoredMessage] {
        guard limit > 0 else { return [] }
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT * FROM messages WHERE session_key = ? ORDER BY id DESC LIMIT ?
                    ) ORDER BY id ASC
                    """,
                arguments: [sessionKey, limit]
            ).map(StoredMessage.init(row:))
        }
    }

    public func messageCount(sessionKey: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE session_key = ?", arguments: [sessionKey]) ?? 0
        }
    }

    public func firstMessage(sessionKey: String, role: String) async throws -> StoredMessage? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM messages WHERE session_key = ? AND role = ? ORDER BY id ASC LIMIT 1",
                arguments: [sessionKey, role]
            ).map(StoredMessage.init(row:))
        }
    }

    public func lastMessage(sessionKey: String) async throws -> StoredMessage? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM messages WHERE session_key = ? ORDER BY id DESC LIMIT 1",
                arguments: [sessionKey]
            ).map(StoredMessage.init(row:))
        }
    }

    // MARK: Runs

    public func beginRun(_ run: RunRecord) async throws -> (record: RunRecord, created: Bool) {
        // One write transaction: two concurrent retries of the same chat.send cannot both
        // see "new", because writes are serialized.
        try await write { db in
            if let existing = try Self.fetchRun(db, idempotencyKey: run.idempotencyKey) {
                return (existing, false)
            }
            try run.insert(db)
            return (run, true)
        }
    }

    public func run(idempotencyKey: String) async throws -> RunRecord? {
        try await read { db in
            try Self.fetchRun(db, idempotencyKey: idempotencyKey)
        }
    }

    public func finishRun(idempotencyKey: String, status: RunStatus, summary: String?, at: Int64) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, summary = ?, updated_at = ? WHERE idempotency_key = ?",
                arguments: [status.rawValue, summary, at, idempotencyKey])
        }
    }

    /// Oldest first.
    public func runningRuns() async throws -> [RunRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM runs WHERE status = ? ORDER BY created_at ASC, idempotency_key ASC",
                arguments: [RunStatus.running.rawValue]
            ).map(RunRecord.init(row:))
        }
    }

    public func claimRun(_ run: RunRecord, leaseFreshSince: Int64) async throws -> RunClaim {
        // One write transaction: SQLite serializes writers, so the check and the insert are one step.
        try await write { db in
            if let existing = try Self.fetchRun(db, idempotencyKey: run.idempotencyKey) { return .existing(existing) }
            if let busy = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM runs WHERE session_key = ? AND status = ? AND heartbeat_at >= ?
                    ORDER BY created_at ASC LIMIT 1
                    """,
                arguments: [run.sessionKey, RunStatus.running.rawValue, leaseFreshSince]
            ).map(RunRecord.init(row:)) {
                return .busy(busy)
            }
            try run.insert(db)
            return .created(run)
        }
    }

    public func renewRunLeases(owner: String, runIds: [String], at: Int64) async throws -> Int {
        guard !runIds.isEmpty else { return 0 }
        return try await write { db in
            var renewed = 0
            for runId in runIds {
                try db.execute(
                    sql: "UPDATE runs SET heartbeat_at = ? WHERE owner = ? AND status = ? AND idempotency_key = ?",
                    arguments: [at, owner, RunStatus.running.rawValue, runId])
                renewed += db.changesCount
            }
            return renewed
        }
    }

    public func expireRunLeases(heartbeatBefore: Int64, summary: String, at: Int64) async throws -> [RunRecord] {
        try await write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE runs SET status = ?, summary = ?, updated_at = ?
                    WHERE status = ? AND (heartbeat_at IS NULL OR heartbeat_at < ?)
                    RETURNING *
                    """,
                arguments: [RunStatus.error.rawValue, summary, at, RunStatus.running.rawValue, heartbeatBefore]
            ).map(RunRecord.init(row:))
        }
    }

    public func pruneRuns(updatedBefore before: Int64) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM runs WHERE status <> ? AND updated_at < ?",
                arguments: [RunStatus.running.rawValue, before])
        }
    }

    // MARK: Retention

    /// Each call is one write transaction, bounded by `limit`, so a sweep never holds the
    /// writer long enough to delay a chat's commit noticeably.
    public func expireSessions(updatedBefore before: Int64, keeping: Set<String>, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        return try await write { db in
            // The sessions_by_recency index serves this; kept sessions are skipped in Swift so
            // the SQL needs no variable-length list.
            let expired = try String.fetchAll(
                db, sql: "SELECT key FROM sessions WHERE updated_at < ? ORDER BY updated_at ASC, key ASC LIMIT ?",
                arguments: [before, limit + keeping.count]
            ).filter { !keeping.contains($0) }.prefix(limit)
            for key in expired {
                try db.execute(sql: "DELETE FROM messages WHERE session_key = ?", arguments: [key])
                try db.execute(sql: "DELETE FROM sessions WHERE key = ?", arguments: [key])
            }
            try db.execute(
                sql: """
                    DELETE FROM messages WHERE id IN (
                        SELECT id FROM messages WHERE timestamp < ? AND session_key NOT IN (SELECT key FROM sessions) LIMIT ?
                    )
                    """,
                arguments: [before, limit])
            return Array(expired)
        }
    }

    public func trimTranscripts(keepingNewest maxMessages: Int, limit: Int) async throws -> Int {
        guard maxMessages > 0, limit > 0 else { return 0 }
        // One pass over the (session_key, id) index counts every transcript: on a reader, so the
        // scan never holds the writer (WAL readers do not block it). Only the deletes write.
        let over = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT session_key, COUNT(*) AS count FROM messages GROUP BY session_key HAVING count > ?",
                arguments: [maxMessages]
            ).map { (key: $0["session_key"] as String, count: $0["count"] as Int) }
        }
        guard !over.isEmpty else { return 0 }
        return try await write { db in
            var deleted = 0
            for (key, _) in over where deleted < limit {
                // Counted again inside the transaction: messages may have come or gone since.
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE session_key = ?", arguments: [key]) ?? 0
                let excess = min(count - maxMessages, limit - deleted)
                guard excess > 0 else { continue }
                try db.execute(
                    sql: """
                        DELETE FROM messages WHERE id IN (
                            SELECT id FROM messages WHERE session_key = ? ORDER BY id ASC LIMIT ?
                        )
                        """,
                    arguments: [key, excess])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    // MARK: Lifecycle

    public func isHealthy() async -> Bool {
        guard let pool = state.withLock({ $0 }) else { return false }
        let one = try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        return one == 1
    }

    /// Marks the store closed at once (later calls throw ``SessionStoreError/closed``), lets
    /// writes already queued finish, folds the WAL back into the database file so the file is
    /// complete on its own (backups, copies), and closes every connection.
    public func close() async throws {
        let taken = state.withLock { pool in
            defer { pool = nil }
            return pool
        }
        guard let pool = taken else { return }

        var failure: (any Error)?
        do {
            try await pool.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
        } catch {
            failure = error
        }
        // Closed even when the checkpoint failed: SQLite checkpoints again when the last
        // connection closes, and nothing may use the pool after this point anyway.
        do {
            try pool.close()
        } catch {
            failure = failure ?? error
        }
        if let failure {
            throw SessionStoreError.translating(failure, path: path)
        }
    }

    /// The identifiers of the migrations applied to the file, in order (`["v1"]`, …).
    public func appliedMigrations() async throws -> [String] {
        try await read { db in
            try SQLiteSchema.migrator().appliedMigrations(db)
        }
    }

    /// The writer connection's settings that durability rests on, for tests to pin down.
    func writerSettings() async throws -> (journalMode: String, synchronous: Int, foreignKeys: Bool, busyTimeoutMs: Int) {
        let pool = try openPool()
        do {
            return try await pool.writeWithoutTransaction { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                    try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                    try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                    try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? -1
                )
            }
        } catch {
            throw translating(error)
        }
    }

    // MARK: Plumbing

    private static func fetchRun(_ db: Database, idempotencyKey: String) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE idempotency_key = ?", arguments: [idempotencyKey])
            .map(RunRecord.init(row:))
    }

    private func openPool() throws -> DatabasePool {
        guard let pool = state.withLock({ $0 }) else { throw SessionStoreError.closed }
        return pool
    }

    /// Runs `body` in a read-only transaction on a reader connection.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        let pool = try openPool()
        do {
            return try await pool.read(body)
        } catch {
            throw translating(error)
        }
    }

    /// Runs `body` in a write transaction; a throw rolls it back.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        let pool = try openPool()
        do {
            return try await pool.write(body)
        } catch {
            throw translating(error)
        }
    }

    /// A call that raced with ``close()`` fails on a closed connection; the caller should hear
    /// `closed`, not an SQLite message about it.
    private func translating(_ error: any Error) -> any Error {
        if !(error is SessionStoreError), state.withLock({ $0 == nil }) { return SessionStoreError.closed }
        return SessionStoreError.translating(error, path: path)
    }
}

/// Where the gateway keeps sessions, their transcripts, the idempotency records of chat runs
/// and (``DeviceStore``) the approved devices. The embedded default is ``SQLiteSessionStore``;
/// replicas share a PostgreSQL one.
///
/// Every call throws ``SessionStoreError`` (or `CancellationError` when the calling task is
/// cancelled before the database is reached); after ``close()`` every call throws
/// ``SessionStoreError/closed``.
public protocol SessionStore: DeviceStore {
    /// Where the data lives, safe to show (status, `sessions.list`'s `path`, logs): the file's
    /// path, or the database URL without its password.
    var location: String { get }
    /// The session with this exact key, or nil.
    func session(key: String) async throws -> SessionRecord?
    /// Inserts or replaces by key; enforces label uniqueness (throws labelInUse).
    /// Replacing a session keeps its transcript.
    func saveSession(_ record: SessionRecord) async throws
    /// Sorted by updatedAt descending, then key; "cron:*" keys never listed; "global"/"unknown" only when included.
    func sessions(matching query: SessionQuery) async throws -> [SessionRecord]
    /// Every stored session, the hidden ones (`cron:*`, `global`, `unknown`) included.
    func sessionCount() async throws -> Int
    /// Removes the session (and its messages when deleteTranscript); false when it did not exist.
    func deleteSession(key: String, deleteTranscript: Bool) async throws -> Bool
    /// Appends atomically and bumps the session's updatedAt to the message timestamp (creating nothing: the session must exist — throw unavailable otherwise). Returns it with `id` set. Durable when it returns (a crash right after loses nothing).
    func appendMessage(_ message: StoredMessage) async throws -> StoredMessage
    /// The newest `limit` messages of the session, oldest first.
    func messages(sessionKey: String, limit: Int) async throws -> [StoredMessage]
    /// How many messages the session's transcript holds.
    func messageCount(sessionKey: String) async throws -> Int
    /// In one transaction: replaces the session (by key, as ``saveSession(_:)``, label rules
    /// included) and deletes every message of its transcript (`sessions.reset`).
    func resetSession(_ record: SessionRecord) async throws
    /// The session's earliest message with this role, or nil.
    func firstMessage(sessionKey: String, role: String) async throws -> StoredMessage?
    /// The session's latest message, or nil.
    func lastMessage(sessionKey: String) async throws -> StoredMessage?
    /// Idempotent run start: inserts when the key is new and returns (record, true); returns (existing, false) otherwise.
    func beginRun(_ run: RunRecord) async throws -> (record: RunRecord, created: Bool)
    /// The run with this idempotency key, or nil (never started, or pruned).
    func run(idempotencyKey: String) async throws -> RunRecord?
    /// Records the run's outcome and sets its updatedAt to `at`; an unknown key changes nothing.
    func finishRun(idempotencyKey: String, status: RunStatus, summary: String?, at: Int64) async throws
    /// Runs still marked `running` (after a crash these are stale; the gateway marks them failed, `error`, at start-up).
    func runningRuns() async throws -> [RunRecord]
    /// Idempotent run start for replicas: as ``beginRun(_:)``, but in one step with the check
    /// that no other run of the session is `running` under a lease renewed at or after
    /// `leaseFreshSince` — if one is, nothing is inserted and the answer is `busy` with it.
    /// Atomic across replicas sharing the store (one run per session, cluster-wide).
    func claimRun(_ run: RunRecord, leaseFreshSince: Int64) async throws -> RunClaim
    /// Renews the leases of `owner`'s running runs among `runIds` (their `heartbeatAt` becomes
    /// `at`); returns how many it renewed. Only runs the replica really streams are named, so a
    /// run whose outcome could not be recorded is not kept alive by its replica.
    func renewRunLeases(owner: String, runIds: [String], at: Int64) async throws -> Int
    /// In one statement: records every running run whose lease was last renewed before
    /// `heartbeatBefore` (or never) as failed with `summary` at `at`, and returns them — their
    /// replica is gone. A run another caller expired first is not returned twice.
    func expireRunLeases(heartbeatBefore: Int64, summary: String, at: Int64) async throws -> [RunRecord]
    /// Forget finished runs last updated before `before` (idempotency TTL).
    func pruneRuns(updatedBefore before: Int64) async throws
    /// Retention: deletes at most `limit` sessions last updated before `before`, oldest first,
    /// with their transcripts, skipping the keys in `keeping` (sessions with a streaming run);
    /// also deletes at most `limit` messages of transcripts whose session is gone (kept by
    /// `sessions.delete` with `deleteTranscript: false`) stamped before `before`. Returns the
    /// keys of the deleted sessions.
    func expireSessions(updatedBefore before: Int64, keeping: Set<String>, limit: Int) async throws -> [String]
    /// Retention: deletes the oldest messages of transcripts holding more than `maxMessages`,
    /// at most `limit` messages in all (the next call goes on). Returns how many it deleted.
    func trimTranscripts(keepingNewest maxMessages: Int, limit: Int) async throws -> Int
    /// True when a trivial query succeeds; never throws.
    func isHealthy() async -> Bool
    /// Checkpoints the WAL and closes; idempotent.
    func close() async throws
}

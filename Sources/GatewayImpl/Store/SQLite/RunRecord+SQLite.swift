import GRDB

extension RunRecord {
    /// Reads a row of `SELECT * FROM runs`.
    init(row: Row) throws {
        let idempotencyKey: String = try row.decode(forColumn: "idempotency_key")
        let statusText: String = try row.decode(forColumn: "status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw SessionStoreError.unavailable("unknown status \"\(statusText)\" of run \(idempotencyKey)")
        }
        self.init(
            idempotencyKey: idempotencyKey,
            sessionKey: try row.decode(forColumn: "session_key"),
            status: status,
            summary: try row.decode(forColumn: "summary"),
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at"),
            owner: try row.decode(forColumn: "owner"),
            heartbeatAt: try row.decode(forColumn: "heartbeat_at")
        )
    }

    func insert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runs (idempotency_key, session_key, status, summary, created_at, updated_at, owner, heartbeat_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [idempotencyKey, sessionKey, status.rawValue, summary, createdAt, updatedAt, owner, heartbeatAt])
    }
}

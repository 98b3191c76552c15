import GRDB
import GeneratedProtocol

extension StoredMessage {
    /// Reads a row of `SELECT * FROM messages`.
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let contentText: String = try row.decode(forColumn: "content")
        let usageText: String? = try row.decode(forColumn: "usage")
        self.init(
            id: id,
            sessionKey: try row.decode(forColumn: "session_key"),
            role: try row.decode(forColumn: "role"),
            content: try StoredJSON.value([JSONValue].self, from: contentText, what: "content of message \(id)"),
            timestamp: try row.decode(forColumn: "timestamp"),
            runId: try row.decode(forColumn: "run_id"),
            stopReason: try row.decode(forColumn: "stop_reason"),
            usage: try usageText.map { try StoredJSON.value(JSONValue.self, from: $0, what: "usage of message \(id)") }
        )
    }

    /// Inserts the message (ignoring `id`) and returns the id SQLite assigned.
    func insert(_ db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO messages (session_key, role, content, timestamp, run_id, stop_reason, usage)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                sessionKey, role, try StoredJSON.text(content), timestamp, runId, stopReason,
                try usage.map { try StoredJSON.text($0) },
            ])
        return db.lastInsertedRowID
    }
}

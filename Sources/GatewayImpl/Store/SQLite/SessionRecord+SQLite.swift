import GRDB

extension SessionRecord {
    /// Reads a row of `SELECT * FROM sessions`.
    init(row: Row) throws {
        let key: String = try row.decode(forColumn: "key")
        let settingsText: String = try row.decode(forColumn: "settings")
        self.init(
            key: key,
            sessionId: try row.decode(forColumn: "session_id"),
            agentId: try row.decode(forColumn: "agent_id"),
            label: try row.decode(forColumn: "label"),
            displayName: try row.decode(forColumn: "display_name"),
            model: try row.decode(forColumn: "model"),
            settings: try StoredJSON.value([String: String].self, from: settingsText, what: "settings of session \(key)"),
            spawnedBy: try row.decode(forColumn: "spawned_by"),
            spawnDepth: try row.decode(forColumn: "spawn_depth"),
            abortedLastRun: try row.decode(forColumn: "aborted_last_run"),
            inputTokens: try row.decode(forColumn: "input_tokens"),
            outputTokens: try row.decode(forColumn: "output_tokens"),
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at")
        )
    }

    /// Inserts the record, or overwrites every column of the session with the same key.
    ///
    /// An upsert rather than `INSERT OR REPLACE`: REPLACE deletes the old row first, which would
    /// also silently delete any *other* session holding the same label.
    func upsert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO sessions (
                    key, session_id, agent_id, label, display_name, model, settings, spawned_by,
                    spawn_depth, aborted_last_run, input_tokens, output_tokens, created_at, updated_at
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    session_id = excluded.session_id,
                    agent_id = excluded.agent_id,
                    label = excluded.label,
                    display_name = excluded.display_name,
                    model = excluded.model,
                    settings = excluded.settings,
                    spawned_by = excluded.spawned_by,
                    spawn_depth = excluded.spawn_depth,
                    aborted_last_run = excluded.aborted_last_run,
                    input_tokens = excluded.input_tokens,
                    output_tokens = excluded.output_tokens,
                    created_at = excluded.created_at,
                    updated_at = excluded.updated_at
                """,
            arguments: [
                key, sessionId, agentId, label, displayName, model, try StoredJSON.text(settings), spawnedBy,
                spawnDepth, abortedLastRun, inputTokens, outputTokens, createdAt, updatedAt,
            ])
    }
}

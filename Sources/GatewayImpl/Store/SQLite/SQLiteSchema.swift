import GRDB

/// The versioned schema of the embedded store (`v1`: sessions, messages, runs; `v2`: devices; `v3`: run leases). A migration, once released, never changes:
/// a new column or index is a new migration (`v2`, …) appended below, so every database file
/// ever written can be brought up to date in order.
///
/// No foreign keys link the tables, on purpose: a transcript may outlive its session
/// (`sessions.delete` with `deleteTranscript: false`), and a run's idempotency record is
/// written before the gateway knows whether its session exists. Foreign-key enforcement is
/// still switched on for every connection, so later migrations can rely on it.
enum SQLiteSchema {
    /// The migrations of this build, in order.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE sessions (
                    key TEXT NOT NULL PRIMARY KEY,
                    session_id TEXT NOT NULL,
                    agent_id TEXT NOT NULL,
                    label TEXT UNIQUE,
                    display_name TEXT,
                    model TEXT,
                    settings TEXT NOT NULL DEFAULT '{}',
                    spawned_by TEXT,
                    spawn_depth INTEGER,
                    aborted_last_run INTEGER NOT NULL DEFAULT 0 CHECK (aborted_last_run IN (0, 1)),
                    input_tokens INTEGER,
                    output_tokens INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX sessions_by_recency ON sessions (updated_at DESC, key);

                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_key TEXT NOT NULL,
                    role TEXT NOT NULL,
                    content TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    run_id TEXT,
                    stop_reason TEXT,
                    usage TEXT
                );
                CREATE INDEX messages_by_session ON messages (session_key, id);

                CREATE TABLE runs (
                    idempotency_key TEXT NOT NULL PRIMARY KEY,
                    session_key TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'error', 'aborted')),
                    summary TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX runs_by_status ON runs (status, updated_at);
                """)
        }
        migrator.registerMigration("v2") { db in
            // Approved devices (docs/devices.md) and one token per device and role; only a hash
            // of a token is stored.
            try db.execute(sql: """
                CREATE TABLE devices (
                    id TEXT NOT NULL PRIMARY KEY,
                    public_key TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    device_family TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    client_mode TEXT NOT NULL,
                    display_name TEXT,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL
                );
                CREATE INDEX devices_by_recency ON devices (last_seen_at DESC, id);

                CREATE TABLE device_tokens (
                    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    scopes TEXT NOT NULL DEFAULT '[]',
                    token_hash TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    PRIMARY KEY (device_id, role)
                );
                """)
        }
        migrator.registerMigration("v3") { db in
            // Run leases (docs/replicas.md): which replica streams a run, and when it last said so.
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN owner TEXT;
                ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
                """)
        }
        return migrator
    }
}

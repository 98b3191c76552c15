import Logging
import PostgresNIO

/// The versioned schema of the shared store. As with the SQLite one, a released migration never
/// changes: a new column or index is a new entry appended to ``migrations``, and every database
/// is brought up to date in order.
///
/// Replicas that start together must not race: ``migrate(_:logger:)`` runs in one transaction
/// holding a transaction-level advisory lock, so the second replica waits for the first to
/// commit and then finds the migrations applied. PostgreSQL's DDL is transactional, so a
/// migration that fails leaves nothing half-made.
enum PostgresSchema {
    /// The advisory lock key of the migrations (any constant; "kubeclaw" in ASCII, 63 bits).
    static let migrationLock: Int64 = 0x6B75_6265_636C_6177

    /// Identifier and statements of every migration, in order. The identifiers match the SQLite
    /// store's (`v1` sessions, messages and runs; `v2` devices; `v3` run leases; `v4`, PostgreSQL only, the event outbox).
    static let migrations: [(id: String, statements: [String])] = [
        ("v1", [
            """
            CREATE TABLE sessions (
                key TEXT NOT NULL PRIMARY KEY,
                session_id TEXT NOT NULL,
                agent_id TEXT NOT NULL,
                label TEXT UNIQUE,
                display_name TEXT,
                model TEXT,
                settings TEXT NOT NULL DEFAULT '{}',
                spawned_by TEXT,
                spawn_depth BIGINT,
                aborted_last_run BOOLEAN NOT NULL DEFAULT FALSE,
                input_tokens BIGINT,
                output_tokens BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sessions_by_recency ON sessions (updated_at DESC, key)",
            """
            CREATE TABLE messages (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                session_key TEXT NOT NULL,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                timestamp BIGINT NOT NULL,
                run_id TEXT,
                stop_reason TEXT,
                usage TEXT
            )
            """,
            "CREATE INDEX messages_by_session ON messages (session_key, id)",
            "CREATE INDEX messages_by_time ON messages (timestamp)",
            """
            CREATE TABLE runs (
                idempotency_key TEXT NOT NULL PRIMARY KEY,
                session_key TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'error', 'aborted')),
                summary TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX runs_by_status ON runs (status, updated_at)",
        ]),
        ("v2", [
            """
            CREATE TABLE devices (
                id TEXT NOT NULL PRIMARY KEY,
                public_key TEXT NOT NULL,
                platform TEXT NOT NULL,
                device_family TEXT NOT NULL,
                client_id TEXT NOT NULL,
                client_mode TEXT NOT NULL,
                display_name TEXT,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX devices_by_recency ON devices (last_seen_at DESC, id)",
            """
            CREATE TABLE device_tokens (
                device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                scopes TEXT NOT NULL DEFAULT '[]',
                token_hash TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                revoked_at BIGINT,
                PRIMARY KEY (device_id, role)
            )
            """,
        ]),
        // Run leases (docs/replicas.md): which replica streams a run, and when it last said so.
        ("v3", [
            "ALTER TABLE runs ADD COLUMN owner TEXT",
            "ALTER TABLE runs ADD COLUMN heartbeat_at BIGINT",
        ]),
        // Events between replicas too large for a notification (PostgresEventRelay); rows live
        // minutes. PostgreSQL only: SQLite has no replicas.
        ("v4", [
            """
            CREATE TABLE event_outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                created_at BIGINT NOT NULL,
                body TEXT NOT NULL
            )
            """,
            "CREATE INDEX event_outbox_by_time ON event_outbox (created_at)",
        ]),
    ]

    /// Applies the migrations the database lacks, under the advisory lock; returns the
    /// identifiers it applied (empty when the database was up to date).
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS kubeclaw_migrations (
                    id TEXT NOT NULL PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<String> = []
            for try await id in try await connection.query("SELECT id FROM kubeclaw_migrations", logger: logger).decode(String.self) {
                applied.insert(id)
            }
            var new: [String] = []
            for migration in migrations where !applied.contains(migration.id) {
                // One statement per query: the extended protocol takes no lists.
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO kubeclaw_migrations (id) VALUES (\(migration.id))", logger: logger)
                new.append(migration.id)
            }
            return new
        }
    }

    /// The identifiers of the applied migrations, in order.
    static func appliedMigrations(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await client.query("SELECT id FROM kubeclaw_migrations ORDER BY id", logger: logger).decode(String.self) {
            ids.append(id)
        }
        return ids
    }
}

import GRDB

/// The gateway's SQLite file read from the test, read-only, exactly as a killed process left
/// it (or while a live one serves: WAL readers never block its writer).
struct DatabaseFile {
    let path: String

    /// `PRAGMA integrity_check`: `["ok"]` for an intact file, else one line per problem.
    func integrityCheck() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The idempotency keys of the runs with this status (`running`, `ok`, `error`, `aborted`).
    func runs(status: String) async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT idempotency_key FROM runs WHERE status = ?", arguments: [status]))
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try await queue.read(body)
    }
}

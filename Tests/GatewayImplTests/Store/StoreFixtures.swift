import Foundation
import GatewayImpl
import GeneratedProtocol
import Logging
import PostgresStore
import Testing
import ThrowawayPostgres

// Shared helpers of the store tests: a real database file in a fresh temporary directory that
// is removed afterwards, and records with readable defaults.

/// Runs `body` with a new empty directory under the system temporary directory, then removes it.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kubeclaw-store-tests-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await body(directory)
}

/// The two implementations of ``SessionStore``: the contract tests run against each.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// Runs `body` with a fresh, empty store of `backend` — an SQLite file in a new temporary
/// directory, or a new database on the test process's PostgreSQL server — and closes it
/// afterwards.
func withStore<T>(_ backend: StoreBackend = .sqlite, _ body: (any SessionStore) async throws -> T) async throws -> T {
    switch backend {
    case .sqlite:
        return try await withTemporaryDirectory { directory in
            try await using(try SQLiteSessionStore(directory: directory), body)
        }
    case .postgres:
        let server = try await ThrowawayPostgres.shared()
        let store = try await PostgresSessionStore(url: try DatabaseURL(try await server.createDatabase()), logger: quietLogger)
        return try await using(store, body)
    }
}

/// Runs `body` with a fresh SQLite store, for what only that backend has (its file, its pragmas).
func withSQLiteStore<T>(_ body: (SQLiteSessionStore) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let store = try SQLiteSessionStore(directory: directory)
        return try await using(store) { _ in try await body(store) }
    }
}

/// Runs `body` with `store`, closing it however `body` ends.
private func using<T>(_ store: any SessionStore, _ body: (any SessionStore) async throws -> T) async throws -> T {
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// Stores in tests log warnings and worse only.
let quietLogger: Logger = {
    var logger = Logger(label: "kubeclaw.test.store")
    logger.logLevel = .warning
    return logger
}()

/// A session of agent `main` (or the agent in the key) created and updated at `updatedAt`.
func makeSession(
    _ key: String,
    updatedAt: Int64 = 1_000,
    label: String? = nil,
    displayName: String? = nil,
    spawnedBy: String? = nil
) -> SessionRecord {
    let parts = key.split(separator: ":")
    let agentId = parts.count > 2 && parts[0] == "agent" ? String(parts[1]) : "main"
    return SessionRecord(
        key: key, sessionId: UUID().uuidString.lowercased(), agentId: agentId, label: label,
        displayName: displayName, spawnedBy: spawnedBy, createdAt: updatedAt, updatedAt: updatedAt)
}

/// A one-part text message.
func makeMessage(_ sessionKey: String, _ text: String, role: String = "user", at timestamp: Int64 = 2_000) -> StoredMessage {
    StoredMessage(sessionKey: sessionKey, role: role, content: [["type": "text", "text": .string(text)]], timestamp: timestamp)
}

/// The text of a one-part text message.
func text(of message: StoredMessage) -> String? {
    message.content.first?["text"]?.stringValue
}

func makeRun(_ key: String, session: String = "agent:main:main", at time: Int64 = 1_000) -> RunRecord {
    RunRecord(idempotencyKey: key, sessionKey: session, status: .running, createdAt: time, updatedAt: time)
}

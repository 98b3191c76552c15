import Foundation
import GatewayImpl
import PostgresNIO

/// The `SELECT` behind `sessions.list` on PostgreSQL: ``SessionQuery``'s filters as conditions
/// with bound values (never spliced into the text), sorted newest first, then by key.
struct SessionListQuery {
    let statement: PostgresQuery

    init(_ query: SessionQuery) throws {
        var conditions = ["NOT starts_with(key, 'cron:')"]
        var binds = PostgresBindings()
        /// Binds `value` and returns its placeholder.
        func placeholder(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if !query.includeGlobal { conditions.append("key <> 'global'") }
        if !query.includeUnknown { conditions.append("key <> 'unknown'") }
        if let updatedSince = query.updatedSince { conditions.append("updated_at >= \(placeholder(updatedSince))") }
        if let label = query.label { conditions.append("label = \(placeholder(label))") }
        if let agentId = query.agentId { conditions.append("agent_id = \(placeholder(agentId))") }
        if let spawnedBy = query.spawnedBy { conditions.append("spawned_by = \(placeholder(spawnedBy))") }
        // A blank search filters nothing, as in OpenClaw. strpos, not LIKE: `%` and `_` in the
        // text are literal; lower() folds case by the database's character type (docs/replicas.md).
        if let search = query.search?.trimmingCharacters(in: .whitespacesAndNewlines), !search.isEmpty {
            let needle = placeholder(search)
            let columns = ["key", "label", "display_name", "session_id"]
            conditions.append("(" + columns.map { "strpos(lower(\($0)), lower(\(needle))) > 0" }.joined(separator: " OR ") + ")")
        }
        var sql = "SELECT * FROM sessions WHERE " + conditions.joined(separator: " AND ") + " ORDER BY updated_at DESC, key ASC"
        if let limit = query.limit { sql += " LIMIT \(placeholder(limit))" }
        if let offset = query.offset, offset > 0 { sql += " OFFSET \(placeholder(offset))" }
        statement = PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

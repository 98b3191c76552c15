import GatewayImpl
import GeneratedProtocol
import PostgresNIO

// Records from rows of `SELECT *` on the shared store's tables (PostgresSchema).

extension SessionRecord {
    init(postgres row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        let key = try row["key"].decode(String.self)
        self.init(
            key: key,
            sessionId: try row["session_id"].decode(String.self),
            agentId: try row["agent_id"].decode(String.self),
            label: try row["label"].decode(String?.self),
            displayName: try row["display_name"].decode(String?.self),
            model: try row["model"].decode(String?.self),
            settings: try StoredJSON.value(
                [String: String].self, from: try row["settings"].decode(String.self), what: "settings of session \(key)"),
            spawnedBy: try row["spawned_by"].decode(String?.self),
            spawnDepth: try row["spawn_depth"].decode(Int?.self),
            abortedLastRun: try row["aborted_last_run"].decode(Bool.self),
            inputTokens: try row["input_tokens"].decode(Int?.self),
            outputTokens: try row["output_tokens"].decode(Int?.self),
            createdAt: try row["created_at"].decode(Int64.self),
            updatedAt: try row["updated_at"].decode(Int64.self)
        )
    }
}

extension StoredMessage {
    init(postgres row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        let id = try row["id"].decode(Int64.self)
        self.init(
            id: id,
            sessionKey: try row["session_key"].decode(String.self),
            role: try row["role"].decode(String.self),
            content: try StoredJSON.value(
                [JSONValue].self, from: try row["content"].decode(String.self), what: "content of message \(id)"),
            timestamp: try row["timestamp"].decode(Int64.self),
            runId: try row["run_id"].decode(String?.self),
            stopReason: try row["stop_reason"].decode(String?.self),
            usage: try row["usage"].decode(String?.self).map {
                try StoredJSON.value(JSONValue.self, from: $0, what: "usage of message \(id)")
            }
        )
    }
}

extension RunRecord {
    init(postgres row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        let key = try row["idempotency_key"].decode(String.self)
        let statusText = try row["status"].decode(String.self)
        guard let status = RunStatus(rawValue: statusText) else {
            throw SessionStoreError.unavailable("unknown status '\(statusText)' of run \(key)")
        }
        self.init(
            idempotencyKey: key,
            sessionKey: try row["session_key"].decode(String.self),
            status: status,
            summary: try row["summary"].decode(String?.self),
            createdAt: try row["created_at"].decode(Int64.self),
            updatedAt: try row["updated_at"].decode(Int64.self),
            owner: try row["owner"].decode(String?.self),
            heartbeatAt: try row["heartbeat_at"].decode(Int64?.self)
        )
    }
}

extension DeviceRecord {
    init(postgres row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        self.init(
            id: try row["id"].decode(String.self),
            publicKey: try row["public_key"].decode(String.self),
            platform: try row["platform"].decode(String.self),
            deviceFamily: try row["device_family"].decode(String.self),
            clientId: try row["client_id"].decode(String.self),
            clientMode: try row["client_mode"].decode(String.self),
            displayName: try row["display_name"].decode(String?.self),
            createdAt: try row["created_at"].decode(Int64.self),
            lastSeenAt: try row["last_seen_at"].decode(Int64.self)
        )
    }
}

extension DeviceTokenRecord {
    init(postgres row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        let deviceId = try row["device_id"].decode(String.self)
        self.init(
            deviceId: deviceId,
            role: try row["role"].decode(String.self),
            scopes: try StoredJSON.value(
                [String].self, from: try row["scopes"].decode(String.self), what: "scopes of a token of device \(deviceId)"),
            tokenHash: try row["token_hash"].decode(String.self),
            issuedAt: try row["issued_at"].decode(Int64.self),
            revokedAt: try row["revoked_at"].decode(Int64?.self)
        )
    }
}

import GRDB

/// ``DeviceStore`` on the `devices` and `device_tokens` tables (migration `v2`).
extension SQLiteSessionStore {
    public func recordDevice(_ device: DeviceRecord, token: DeviceTokenRecord) async throws {
        let scopes = try StoredJSON.text(token.scopes)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO devices (id, public_key, platform, device_family, client_id, client_mode, display_name, created_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        public_key = excluded.public_key, platform = excluded.platform, device_family = excluded.device_family,
                        client_id = excluded.client_id, client_mode = excluded.client_mode, display_name = excluded.display_name,
                        last_seen_at = MAX(devices.last_seen_at, excluded.last_seen_at)
                    """,
                arguments: [
                    device.id, device.publicKey, device.platform, device.deviceFamily, device.clientId, device.clientMode,
                    device.displayName, device.createdAt, device.lastSeenAt,
                ])
            try db.execute(
                sql: """
                    INSERT INTO device_tokens (device_id, role, scopes, token_hash, issued_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (device_id, role) DO UPDATE SET
                        scopes = excluded.scopes, token_hash = excluded.token_hash, issued_at = excluded.issued_at,
                        revoked_at = excluded.revoked_at
                    """,
                arguments: [token.deviceId, token.role, scopes, token.tokenHash, token.issuedAt, token.revokedAt])
        }
    }

    public func deviceToken(deviceId: String, role: String) async throws -> DeviceTokenRecord? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM device_tokens WHERE device_id = ? AND role = ?", arguments: [deviceId, role]
            ).map(DeviceTokenRecord.init(row:))
        }
    }

    public func markDeviceSeen(id: String, at: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE devices SET last_seen_at = MAX(last_seen_at, ?) WHERE id = ?", arguments: [at, id])
            return db.changesCount > 0
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await read { db in
            let tokens = try Row.fetchAll(db, sql: "SELECT * FROM device_tokens ORDER BY device_id, role")
                .map(DeviceTokenRecord.init(row:))
            let byDevice = Dictionary(grouping: tokens, by: \.deviceId)
            return try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY last_seen_at DESC, id ASC").map { row in
                var device = try DeviceRecord(row: row)
                device.tokens = byDevice[device.id] ?? []
                return device
            }
        }
    }

    public func revokeDevice(id: String, at: Int64) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", arguments: [at, id])
            return db.changesCount
        }
    }
}

import GatewayImpl
import PostgresNIO

/// ``DeviceStore`` on the `devices` and `device_tokens` tables (migration `v2`): the same rules
/// as the SQLite store, so a device approved through one replica is known to all.
extension PostgresSessionStore {
    public func recordDevice(_ device: DeviceRecord, token: DeviceTokenRecord) async throws {
        let scopes = try StoredJSON.text(token.scopes)
        try await transaction { connection, logger in
            try await connection.query("""
                INSERT INTO devices (id, public_key, platform, device_family, client_id, client_mode, display_name, created_at, last_seen_at)
                VALUES (\(device.id), \(device.publicKey), \(device.platform), \(device.deviceFamily), \(device.clientId),
                        \(device.clientMode), \(device.displayName), \(device.createdAt), \(device.lastSeenAt))
                ON CONFLICT (id) DO UPDATE SET
                    public_key = excluded.public_key, platform = excluded.platform, device_family = excluded.device_family,
                    client_id = excluded.client_id, client_mode = excluded.client_mode, display_name = excluded.display_name,
                    last_seen_at = GREATEST(devices.last_seen_at, excluded.last_seen_at)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO device_tokens (device_id, role, scopes, token_hash, issued_at, revoked_at)
                VALUES (\(token.deviceId), \(token.role), \(scopes), \(token.tokenHash), \(token.issuedAt), \(token.revokedAt))
                ON CONFLICT (device_id, role) DO UPDATE SET
                    scopes = excluded.scopes, token_hash = excluded.token_hash, issued_at = excluded.issued_at,
                    revoked_at = excluded.revoked_at
                """, logger: logger)
        }
    }

    public func deviceToken(deviceId: String, role: String) async throws -> DeviceTokenRecord? {
        try await call { client in
            try await Self.first(
                try await client.query("SELECT * FROM device_tokens WHERE device_id = \(deviceId) AND role = \(role)"),
                DeviceTokenRecord.init(postgres:))
        }
    }

    public func markDeviceSeen(id: String, at: Int64) async throws -> Bool {
        try await call { client in
            try await Self.first(
                try await client.query(
                    "UPDATE devices SET last_seen_at = GREATEST(last_seen_at, \(at)) WHERE id = \(id) RETURNING id")
            ) { try $0.decode(String.self) } != nil
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await transaction { connection, logger in
            let tokens = try await Self.all(
                try await connection.query("SELECT * FROM device_tokens ORDER BY device_id, role", logger: logger),
                DeviceTokenRecord.init(postgres:))
            let byDevice = Dictionary(grouping: tokens, by: \.deviceId)
            return try await Self.all(
                try await connection.query("SELECT * FROM devices ORDER BY last_seen_at DESC, id ASC", logger: logger)
            ) { row in
                var device = try DeviceRecord(postgres: row)
                device.tokens = byDevice[device.id] ?? []
                return device
            }
        }
    }

    public func revokeDevice(id: String, at: Int64) async throws -> Int {
        try await call { client in
            try await Self.all(
                try await client.query("""
                    UPDATE device_tokens SET revoked_at = \(at) WHERE device_id = \(id) AND revoked_at IS NULL
                    RETURNING role
                    """)
            ) { try $0.decode(String.self) }.count
        }
    }
}

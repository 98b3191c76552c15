import GRDB

extension DeviceRecord {
    /// Reads a row of `SELECT * FROM devices` (without its tokens).
    init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: "id"), publicKey: try row.decode(forColumn: "public_key"),
            platform: try row.decode(forColumn: "platform"), deviceFamily: try row.decode(forColumn: "device_family"),
            clientId: try row.decode(forColumn: "client_id"), clientMode: try row.decode(forColumn: "client_mode"),
            displayName: try row.decode(forColumn: "display_name"), createdAt: try row.decode(forColumn: "created_at"),
            lastSeenAt: try row.decode(forColumn: "last_seen_at"))
    }
}

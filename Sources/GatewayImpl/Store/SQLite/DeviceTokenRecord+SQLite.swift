import GRDB

extension DeviceTokenRecord {
    /// Reads a row of `SELECT * FROM device_tokens`.
    init(row: Row) throws {
        let deviceId: String = try row.decode(forColumn: "device_id")
        let role: String = try row.decode(forColumn: "role")
        self.init(
            deviceId: deviceId, role: role,
            scopes: try StoredJSON.value([String].self, from: try row.decode(forColumn: "scopes"), what: "scopes of device \(deviceId) role \(role)"),
            tokenHash: try row.decode(forColumn: "token_hash"), issuedAt: try row.decode(forColumn: "issued_at"),
            revokedAt: try row.decode(forColumn: "revoked_at"))
    }
}

/// A device token as stored: bound to one device, one role and the scopes it was issued for.
/// Only a hash of the token is kept; the token itself exists only in `hello-ok` and on the device.
public struct DeviceTokenRecord: Sendable, Equatable {
    public var deviceId: String
    /// `operator` or `node`.
    public var role: String
    /// The scopes the token grants (a later connect may ask for these or fewer).
    public var scopes: [String]
    /// Lowercase hex SHA-256 of the token text.
    public var tokenHash: String
    /// Milliseconds since the Unix epoch.
    public var issuedAt: Int64
    /// When it was revoked (`kubeclaw devices revoke`); nil while it is live.
    public var revokedAt: Int64?

    public init(deviceId: String, role: String, scopes: [String], tokenHash: String, issuedAt: Int64, revokedAt: Int64? = nil) {
        self.deviceId = deviceId
        self.role = role
        self.scopes = scopes
        self.tokenHash = tokenHash
        self.issuedAt = issuedAt
        self.revokedAt = revokedAt
    }

    public var isLive: Bool { revokedAt == nil }
}

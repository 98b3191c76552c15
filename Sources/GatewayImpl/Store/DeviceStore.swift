/// The approved devices and their tokens (see docs/devices.md). Small on purpose: every
/// ``SessionStore`` implements it (SQLite embedded, PostgreSQL for replicas).
///
/// Errors as for ``SessionStore``: ``SessionStoreError``, ``SessionStoreError/closed`` after close.
public protocol DeviceStore: Sendable {
    /// In one transaction: inserts the device or updates its metadata and `lastSeenAt` (keeping
    /// `createdAt`), and makes `token` the device's only token for `token.role` — a previous
    /// token for that role, live or revoked, is replaced. `device.tokens` is ignored.
    func recordDevice(_ device: DeviceRecord, token: DeviceTokenRecord) async throws
    /// The device's token for `role` (live or revoked), or nil when none was ever issued.
    func deviceToken(deviceId: String, role: String) async throws -> DeviceTokenRecord?
    /// Moves the device's `lastSeenAt` forward to `at`; false when the device is unknown.
    func markDeviceSeen(id: String, at: Int64) async throws -> Bool
    /// Every device with its tokens (sorted by role), most recently seen first.
    func devices() async throws -> [DeviceRecord]
    /// Revokes every live token of the device at `at`; returns how many were live (0 when the
    /// device is unknown or already revoked). The device stays listed.
    func revokeDevice(id: String, at: Int64) async throws -> Int
}

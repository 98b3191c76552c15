/// Whether a presented device token lets its device connect (``DeviceRegistry/verify(token:deviceId:role:scopes:)``).
public enum DeviceTokenVerdict: Sendable, Equatable {
    /// The device's live token for the role, issued for at least the scopes asked for.
    case valid
    /// No live token of this device and role has this value (unknown, replaced or revoked).
    case mismatch
    /// The token is right but was issued for fewer scopes than asked for.
    case scopeMismatch
    /// The store could not be read.
    case unavailable
}

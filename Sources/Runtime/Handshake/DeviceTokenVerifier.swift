/// Checks a device token a client presents at `connect` (issued earlier in
/// `hello-ok.auth.deviceToken`). The gateway's device registry implements it over its store; the
/// transport calls it only for a connection whose device identity was verified.
public protocol DeviceTokenVerifier: Sendable {
    /// What every token the gateway issues starts with, so that a stale one sent as `auth.token`
    /// is reported as a device-token failure rather than a wrong gateway token.
    var tokenPrefix: String { get }

    /// Whether `token` is the live token of `deviceId` for `role`, valid for `scopes`.
    func check(token: String, deviceId: String, role: String, scopes: [String]) async -> DeviceTokenCheck
}

/// The answer of a ``DeviceTokenVerifier``.
public enum DeviceTokenCheck: Sendable, Equatable {
    /// The token is the device's live token for the role and covers the scopes.
    case valid
    /// No live token matches (unknown, revoked, another device or role).
    case mismatch
    /// The token matches but was issued for fewer scopes than asked for.
    case scopeMismatch
    /// The store could not be read.
    case unavailable
}

/// How a connection proved it may connect.
public enum AuthMethod: String, Sendable, Equatable {
    /// The gateway has no secret configured (loopback or `--allow-unauthenticated`).
    case none
    /// The shared gateway token.
    case token
    /// The shared gateway password.
    case password
    /// A device token of the connecting (verified) device.
    case deviceToken = "device-token"

    /// The shared secret: a device that used it is recorded and issued a device token.
    public var isSharedSecret: Bool { self == .token || self == .password }
}

/// The shared secret a client presents in `connect.auth`.
public enum GatewayClientAuth: Sendable, Equatable {
    /// No secret (a gateway without a token, on loopback).
    case none
    /// The gateway token (`OPENCLAW_GATEWAY_TOKEN`).
    case token(String)
    /// The gateway password.
    case password(String)
    /// A device token the gateway issued to this device earlier (`hello-ok.auth.deviceToken`).
    case deviceToken(String)
}

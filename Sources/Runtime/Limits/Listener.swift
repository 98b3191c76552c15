/// The gateway's two listening ports, as `/metrics` labels them (`listener="gateway"|"http"`).
public enum Listener: String, Sendable, CaseIterable {
    /// The WebSocket port (18789), which also serves the Control UI over plain HTTP.
    case gateway
    /// The ops port (18790): health, readiness, metrics.
    case http
}

/// Where a ``ReconnectingClient`` is: `idle` → `connecting` → `open` ⇄ `reconnecting` → `closed`.
public enum ClientPhase: String, Sendable, Equatable {
    /// Made, not started.
    case idle
    /// `start()` is doing the first handshake.
    case connecting
    /// Connected: requests go out.
    case open
    /// The connection was lost; the client is waiting or trying to reconnect.
    case reconnecting
    /// `close()` was called, the first handshake failed, or a reconnect was refused for good.
    case closed
}

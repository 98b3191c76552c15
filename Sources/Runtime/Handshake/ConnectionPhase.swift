/// Where a connection is in its life. Every inbound frame is judged by the phase:
/// only `connect` is accepted before `connected`, nothing new is started while draining.
enum ConnectionPhase: Sendable, Equatable {
    /// The challenge was sent; the first request must be `connect`.
    case awaitingConnect
    /// `connect` is being checked; frames wait behind it.
    case handshaking
    /// `hello-ok` was sent; requests and events flow.
    case connected(ConnectionInfo)
    /// The gateway is shutting down: in-flight requests finish, new ones are refused.
    case draining(ConnectionInfo)
    /// A close frame is queued or the peer is gone; frames are ignored.
    case closing

    var info: ConnectionInfo? {
        switch self {
        case .connected(let info), .draining(let info): info
        default: nil
        }
    }
}

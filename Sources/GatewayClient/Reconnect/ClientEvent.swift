import GeneratedProtocol

/// What a client reports to its subscribers: the gateway's events (as `Event`, raw or typed)
/// and what happens to the connection.
public enum ClientEvent<Event: Sendable>: Sendable {
    /// An event the gateway sent.
    case event(Event)
    /// The handshake succeeded: after `start()`, and again after each reconnect.
    case open(HelloOk)
    /// The connection ended. `reconnecting` says whether the client will try again.
    case close(code: UInt16?, reason: String?, reconnecting: Bool)
    /// The client waits `delay` before its `attempt`-th try (from 1) to reconnect.
    case reconnecting(attempt: Int, delay: Duration)
    /// The event `seq` of this connection jumped from `expected` to `received`: events were lost
    /// (a slow consumer, a gateway that dropped some); refetch what you track (`chat.history`, …).
    case gap(expected: Int, received: Int)

    /// The same report with the event transformed (typed, say).
    public func map<Other: Sendable>(_ transform: (Event) -> Other) -> ClientEvent<Other> {
        switch self {
        case .event(let event): .event(transform(event))
        case .open(let hello): .open(hello)
        case .close(let code, let reason, let reconnecting): .close(code: code, reason: reason, reconnecting: reconnecting)
        case .reconnecting(let attempt, let delay): .reconnecting(attempt: attempt, delay: delay)
        case .gap(let expected, let received): .gap(expected: expected, received: received)
        }
    }

    /// The gateway event, when this is one.
    public var event: Event? {
        if case .event(let event) = self { return event }
        return nil
    }
}

import GeneratedProtocol

/// Carries events between replicas sharing a store (docs/replicas.md): what one replica
/// publishes about chats and sessions reaches the connections of every other replica.
public protocol EventRelay: Sendable {
    /// Sends an event this replica published to the other replicas. Called in publish order;
    /// the relay keeps that order. Never blocks: the event is queued.
    func send(_ event: GatewayEvent)
    /// Sends a control message to the other replicas, in order with the events.
    func send(_ control: RelayControl)
    /// Delivers the other replicas' events and control messages to `deliver` — each once, in
    /// its replica's order — and sends the queued ones, until ``finish()`` (or cancellation).
    func run(delivering deliver: @escaping @Sendable (RelayDelivery) -> Void) async
    /// Whether other replicas' events are being received now (the replica is unready without).
    var isReceiving: Bool { get }
    /// Takes no more events: ``run(delivering:)`` sends what is queued, then returns.
    func finish()
}

/// What another replica sent.
public enum RelayDelivery: Sendable {
    case event(GatewayEvent)
    case control(RelayControl)
}

extension EventName {
    /// The events that concern every replica's clients: a chat's progress and the sessions it
    /// changes. The rest (tick, health, presence, shutdown, the challenge) are each replica's own.
    public var isReplicated: Bool {
        switch self {
        case .chat, .agent, .sessionMessage, .sessionsChanged: true
        default: false
        }
    }
}

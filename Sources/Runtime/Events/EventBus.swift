import GeneratedProtocol
import Logging
import Synchronization

/// Something that receives broadcast events: a connection past its handshake.
protocol EventSubscriber: AnyObject, Sendable {
    var connId: String { get }
    /// Whether the client may see session content (chat, agent, presence, health events).
    var canReadEvents: Bool { get }
    /// What the handshake established, once it did.
    var info: ConnectionInfo? { get }
    /// Whether the connection subscribed to a subscription-gated event (true for the others).
    func wants(_ event: EncodedEvent) -> Bool
    func deliver(_ event: EncodedEvent, droppable: Bool)
}

/// Fans events out to every connected client. Each event is encoded once; each connection
/// numbers the frames it actually queues (`seq`), so a client never sees a gap for a frame it
/// was sent.
public final class EventBus: Sendable {
    private let subscribers = Mutex<[String: any EventSubscriber]>([:])
    private let logger: Logger

    public init(logger: Logger = Logger(label: "kubeclaw.events")) {
        self.logger = logger
    }

    /// Sends `event` to every connected client allowed to see it.
    public func publish(_ event: GatewayEvent) {
        do {
            publish(try EncodedEvent(event))
        } catch {
            logger.error("event could not be encoded", metadata: ["event": "\(event.name.rawValue)", "error": "\(error)"])
        }
    }

    func publish(_ event: EncodedEvent, droppable: Bool = false) {
        let needsRead = !Self.openEvents.contains(event.name)
        let targets = subscribers.withLock { Array($0.values) }
        for target in targets where (!needsRead || target.canReadEvents) && target.wants(event) {
            target.deliver(event, droppable: droppable)
        }
    }

    /// Events any connected client receives, whatever its scopes.
    static let openEvents: Set<EventName> = [.tick, .shutdown]

    /// Connected clients.
    public var subscriberCount: Int {
        subscribers.withLock { $0.count }
    }

    /// The connected clients that are tracked for presence (all but `cli` ones), newest first.
    public func presence() -> [PresenceEntry] {
        subscribers.withLock { subscribers in subscribers.values.compactMap { $0.info?.presence } }
            .sorted { $0.ts != $1.ts ? $0.ts > $1.ts : ($0.instanceId ?? "") < ($1.instanceId ?? "") }
    }

    func subscribe(_ subscriber: any EventSubscriber) {
        subscribers.withLock { $0[subscriber.connId] = subscriber }
        if subscriber.info?.presence != nil { publishPresence() }
    }

    func unsubscribe(_ connId: String) {
        let removed = subscribers.withLock { $0.removeValue(forKey: connId) }
        if removed?.info?.presence != nil { publishPresence() }
    }

    /// A tracked client came or went: everyone allowed to read gets the new list.
    private func publishPresence() {
        publish(.presence(PresenceEvent(presence: presence())))
    }

    /// Sends `tick` every `interval` until cancelled; a client that is behind skips a tick.
    func runTicks(every interval: Duration, now: @Sendable () -> Int) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            guard let tick = try? EncodedEvent(.tick(TickEvent(ts: now()))) else { continue }
            publish(tick, droppable: true)
        }
    }
}

import GeneratedProtocol
import Logging
import Locking

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
    private let subscribers = Locked<[String: any EventSubscriber]>([:])
    private let presenceBoard: PresenceBoard
    /// A presence change waiting to be broadcast (at most one is kept: the broadcast sends the
    /// list as it is then).
    private let presenceChanges: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)
    private let logger: Logger

    public init(logger: Logger = Logger(label: "kubeclaw.events"), presenceLimit: Int = 200) {
        self.logger = logger
        self.presenceBoard = PresenceBoard(limit: presenceLimit)
        self.presenceChanges = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
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

    /// The connected clients that are tracked for presence (all but `cli` ones), newest first,
    /// at most the presence limit (OpenClaw's 200).
    public func presence() -> [PresenceEntry] {
        presenceBoard.list()
    }

    func subscribe(_ subscriber: any EventSubscriber) {
        subscribers.withLock { $0[subscriber.connId] = subscriber }
        if let entry = subscriber.info?.presence {
            presenceBoard.upsert(entry, for: subscriber.connId)
            presenceChanges.continuation.yield()
        }
    }

    func unsubscribe(_ connId: String) {
        subscribers.withLock { _ = $0.removeValue(forKey: connId) }
        if presenceBoard.remove(connId) { presenceChanges.continuation.yield() }
    }

    /// Broadcasts the presence list when tracked clients come or go: at once for a lone change,
    /// then at most once per `window`, so a burst of connects (a rolling restart, a reconnect
    /// storm) sends one list per window instead of one per connect to every connection.
    func runPresence(window: Duration) async {
        for await _ in presenceChanges.stream {
            publish(.presence(PresenceEvent(presence: presence())))
            guard (try? await Task.sleep(for: window)) != nil else { return }
        }
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

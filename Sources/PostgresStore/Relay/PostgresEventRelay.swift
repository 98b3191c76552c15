import Foundation
import GatewayImpl
import GeneratedProtocol
import Locking
import Logging
import PostgresNIO

/// ``EventRelay`` on PostgreSQL's `LISTEN`/`NOTIFY` (docs/replicas.md).
///
/// Sending: ``send(_:)`` numbers the event and queues it; one loop sends the queue in order,
/// many events per statement (`SELECT pg_notify(…), pg_notify(…), …`), so a busy replica needs
/// one round trip per batch, not per event, and the order of one replica's events is the order
/// of its commits. An envelope too large for a notification goes to the `event_outbox` table
/// and the notification points at it.
///
/// Receiving: a dedicated connection `LISTEN`s (a pooled one would be handed to other queries),
/// reconnecting with backoff when it drops; envelopes of this replica are skipped, the others'
/// pass through ``RelayOrder`` (once, in order) and go to the local connections.
///
/// Not durable: `NOTIFY` reaches only listening connections, so events published while a
/// replica's listener is reconnecting are lost to it (logged as a gap; `chat.history` has the
/// result). The queue holds at most ``queueLimit`` events; beyond that the oldest are dropped.
public final class PostgresEventRelay: EventRelay {
    /// The notification channel.
    public static let channel = "kubeclaw_events"
    /// Most events waiting to be sent.
    public static let queueLimit = 50_000
    /// Most events per `NOTIFY` statement.
    static let batchLimit = 256
    /// How long outbox rows are kept: far longer than any listener takes to read its pointer.
    static let outboxRetention: Duration = .seconds(300)

    private let store: PostgresSessionStore
    private let originJSON: String
    public let origin: String
    private let logger: Logger
    private let outgoing = Locked(Outgoing())
    private let listening = Locked(false)
    private let wakeUp: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)

    private struct Outgoing {
        var nextSeq: Int64 = 1
        var queue: [(seq: Int64, name: String, text: String)] = []
        var dropped = 0
    }

    /// `origin`: this replica's name (the run leases' ``RunLeasePolicy/replicaId``).
    public init(store: PostgresSessionStore, origin: String, logger: Logger) {
        self.store = store
        self.origin = origin
        self.originJSON = String(decoding: (try? JSONEncoder().encode(origin)) ?? Data("\"?\"".utf8), as: UTF8.self)
        self.logger = logger
        wakeUp = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func send(_ event: GatewayEvent) {
        guard event.name.isReplicated, let payload = try? RelayEnvelope.payload(of: event) else { return }
        enqueue(name: event.name.rawValue, payload: payload)
    }

    public func send(_ control: RelayControl) {
        guard let (name, payload) = try? RelayEnvelope.payload(of: control) else { return }
        enqueue(name: name, payload: payload)
    }

    /// Numbers and queues an envelope under one lock, so the queue's order is the numbers'
    /// order; the payload was encoded before, outside it (publishers do not wait on each
    /// other's encoding).
    private func enqueue(name: String, payload: String) {
        outgoing.withLock { outgoing in
            let seq = outgoing.nextSeq
            outgoing.nextSeq += 1
            outgoing.queue.append((seq, name, RelayEnvelope.text(originJSON: originJSON, seq: seq, name: name, payload: payload)))
            if outgoing.queue.count > Self.queueLimit {
                outgoing.queue.removeFirst(outgoing.queue.count - Self.queueLimit)
                outgoing.dropped += 1
            }
        }
        wakeUp.continuation.yield()
    }

    public func run(delivering deliver: @escaping @Sendable (RelayDelivery) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listenLoop(deliver) }
            group.addTask { await self.pruneLoop() }
            // Ends once `finish()` was called and the queue is sent (or when cancelled).
            await sendLoop()
            group.cancelAll()
        }
    }

    /// True while the listener's `LISTEN` is in place.
    public var isReceiving: Bool { listening.withLock { $0 } }

    public func finish() {
        wakeUp.continuation.finish()
    }

    // MARK: Sending

    private func sendLoop() async {
        for await _ in wakeUp.stream {
            while !Task.isCancelled {
                let (batch, dropped) = outgoing.withLock { outgoing in
                    let batch = Array(outgoing.queue.prefix(Self.batchLimit))
                    outgoing.queue.removeFirst(batch.count)
                    defer { outgoing.dropped = 0 }
                    return (batch, outgoing.dropped)
                }
                if dropped > 0 {
                    logger.warning("relay queue full: dropped the oldest events", metadata: ["dropped": "\(dropped)"])
                }
                guard !batch.isEmpty else { break }
                do {
                    try await notify(batch)
                } catch {
                    // Not retried, and what queued up meanwhile is dropped too: by the time the
                    // database is back these events are stale (the receivers log the gap; the
                    // outcomes are in the store), and a shutdown must not wait for them.
                    let stale = outgoing.withLock { outgoing in
                        defer { outgoing.queue.removeAll() }
                        return outgoing.queue.count
                    }
                    logger.error("could not relay events to the other replicas", metadata: [
                        "events": "\(batch.count + stale)", "error": "\(SessionStoreError.translatingPostgres(error))",
                    ])
                }
            }
        }
    }

    private func notify(_ batch: [(seq: Int64, name: String, text: String)]) async throws {
        let origin = originJSON
        try await store.call { client in
            var binds = PostgresBindings(capacity: batch.count + 1)
            binds.append(Self.channel)
            for item in batch {
                if item.text.utf8.count <= RelayEnvelope.inlineLimit {
                    binds.append(item.text)
                } else {
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    let id = try await PostgresSessionStore.first(
                        try await client.query("INSERT INTO event_outbox (created_at, body) VALUES (\(now), \(item.text)) RETURNING id")
                    ) { try $0.decode(Int64.self) }
                    guard let id else { continue }
                    binds.append(RelayEnvelope.pointerText(originJSON: origin, seq: item.seq, name: item.name, outboxId: id))
                }
            }
            guard binds.count > 1 else { return }
            let calls = (2...binds.count).map { "pg_notify($1, $\($0))" }.joined(separator: ", ")
            try await client.query(PostgresQuery(unsafeSQL: "SELECT " + calls, binds: binds))
        }
    }

    /// Deletes outbox rows past ``outboxRetention``, once a minute.
    private func pruneLoop() async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: .seconds(60))) != nil else { return }
            let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - Int64(Self.outboxRetention / .milliseconds(1))
            do {
                try await store.call { client in try await client.query("DELETE FROM event_outbox WHERE created_at < \(cutoff)") }
            } catch {
                logger.warning("could not prune the event outbox", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Receiving

    private func listenLoop(_ deliver: @escaping @Sendable (RelayDelivery) -> Void) async {
        var order = RelayOrder()
        var pause = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try store.url.connectionConfiguration(), id: 1, logger: logger)
                pause = .milliseconds(250)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        listening.withLock { $0 = true }
                        defer { listening.withLock { $0 = false } }
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { await self.watch(connection) }
                            for try await notification in notifications {
                                await receive(notification.payload, order: &order, connection: connection, deliver: deliver)
                            }
                            group.cancelAll()
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("event relay listener lost its connection; reconnecting", metadata: [
                    "error": "\(SessionStoreError.translatingPostgres(error))", "retryIn": "\(pause)",
                ])
            }
            guard (try? await Task.sleep(for: pause)) != nil else { return }
            pause = min(pause * 2, .seconds(5))
        }
    }

    /// How often the listening connection proves it is alive (it only reads, so a peer gone
    /// without a reset would otherwise never be noticed), and how long the proof may take.
    static let livenessInterval: Duration = .seconds(5)

    /// Runs `SELECT 1` on the listening connection every ``livenessInterval``; when one fails or
    /// takes longer than that, closes the connection, which ends the listen and starts a reconnect.
    private func watch(_ connection: PostgresConnection) async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: Self.livenessInterval)) != nil else { return }
            do {
                _ = try await CallDeadline.run(Self.livenessInterval) { [logger] in
                    try await PostgresSessionStore.first(try await connection.query("SELECT 1", logger: logger)) { try $0.decode(Int.self) }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("event relay listener did not answer; reconnecting", metadata: [
                    "error": "\(SessionStoreError.translatingPostgres(error))",
                ])
                try? await connection.close()
                return
            }
        }
    }

    private func receive(
        _ payload: String, order: inout RelayOrder, connection: PostgresConnection,
        deliver: @Sendable (RelayDelivery) -> Void
    ) async {
        do {
            var envelope = try JSONDecoder().decode(RelayEnvelope.self, from: Data(payload.utf8))
            guard envelope.origin != origin else { return }
            if let id = envelope.outboxId {
                let body = try await PostgresSessionStore.first(
                    try await connection.query("SELECT body FROM event_outbox WHERE id = \(id)", logger: logger)
                ) { try $0.decode(String.self) }
                guard let body else {
                    logger.warning("relayed event gone from the outbox", metadata: ["origin": "\(envelope.origin)", "seq": "\(envelope.seq)"])
                    return
                }
                envelope = try JSONDecoder().decode(RelayEnvelope.self, from: Data(body.utf8))
            }
            switch order.accept(origin: envelope.origin, seq: envelope.seq) {
            case .duplicate:
                return
            case let .deliverAfterGap(missed):
                logger.warning("missed relayed events", metadata: ["origin": "\(envelope.origin)", "missed": "\(missed)"])
            case .deliver:
                break
            }
            if let delivery = envelope.delivery { deliver(delivery) }
        } catch {
            logger.error("unreadable relayed event", metadata: ["error": "\(error)"])
        }
    }
}

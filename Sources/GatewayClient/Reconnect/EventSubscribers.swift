import Locking

/// The subscribers of a client's reports, each with its own stream (any number of consumers,
/// each sees every report from its subscription on).
final class EventSubscribers: Sendable {
    typealias Sink = @Sendable (ClientEvent<ReceivedEvent>) -> Void

    private struct State {
        var sinks: [Int: Sink] = [:]
        var finishers: [Int: @Sendable () -> Void] = [:]
        var nextID = 0
        var finished = false
    }

    private let state = Locked(State())

    /// A new stream of reports, each transformed by `transform`; it ends when the client closes.
    /// At most `limit` unread reports are kept (the oldest are dropped beyond it).
    func subscribe<Event: Sendable>(
        limit: Int, _ transform: @escaping @Sendable (ReceivedEvent) -> Event
    ) -> AsyncStream<ClientEvent<Event>> {
        let (stream, continuation) = AsyncStream.makeStream(of: ClientEvent<Event>.self, bufferingPolicy: .bufferingNewest(max(limit, 1)))
        let added = state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.sinks[id] = { report in continuation.yield(report.map(transform)) }
            state.finishers[id] = { continuation.finish() }
            return id
        }
        guard let id = added else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.sinks[id] = nil
                state.finishers[id] = nil
            }
        }
        return stream
    }

    /// Hands a report to every subscriber.
    func publish(_ report: ClientEvent<ReceivedEvent>) {
        let sinks = state.withLock { Array($0.sinks.values) }
        for sink in sinks { sink(report) }
    }

    /// Ends every stream; later subscriptions end at once.
    func finish() {
        let finishers = state.withLock { state -> [@Sendable () -> Void] in
            state.finished = true
            defer { state.sinks = [:]; state.finishers = [:] }
            return Array(state.finishers.values)
        }
        for finish in finishers { finish() }
    }
}

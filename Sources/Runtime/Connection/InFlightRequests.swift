import Locking

/// Counts a connection's running requests: bounds how many run at once (the reader waits
/// for a slot, so a flooding client is slowed by TCP backpressure), tells a drain how many
/// still run, and finds a running request by its id when the client sends `cancel`.
final class InFlightRequests: Sendable {
    private struct State {
        var running = 0
        var slotWaiters: [CheckedContinuation<Void, Never>] = []
        /// The running requests by id (a client may reuse an id; all of them are cancelled).
        var tasks: [String: [Registration]] = [:]
        var nextToken = 0
    }

    private struct Registration {
        var token: Int
        /// nil until the request's task starts.
        var task: Task<Void, Never>?
        /// A `cancel` came before the task started: it is cancelled as it starts.
        var cancelled = false
    }

    /// A request registered under its id before its task starts (``register(id:)``).
    struct Ticket: Sendable {
        let id: String
        let token: Int
    }

    private let limit: Int
    private let state = Locked(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var count: Int { state.withLock { $0.running } }

    /// Waits until fewer than `limit` requests run, then counts one more.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                guard state.running < limit else {
                    state.slotWaiters.append(continuation)
                    return false
                }
                state.running += 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let slot: CheckedContinuation<Void, Never>? = state.withLock { state in
            if !state.slotWaiters.isEmpty {
                // The slot passes straight to a waiting reader; `running` stays the same.
                return state.slotWaiters.removeFirst()
            }
            state.running -= 1
            return nil
        }
        slot?.resume()
    }

    /// Registers request `id` at once, before its task is started: a `cancel` that arrives
    /// next (clients send it right behind the request) finds it even if ``run(_:_:)`` has not
    /// begun yet.
    func register(id: String) -> Ticket {
        state.withLock { state in
            state.nextToken += 1
            state.tasks[id, default: []].append(Registration(token: state.nextToken))
            return Ticket(id: id, token: state.nextToken)
        }
    }

    /// Runs `work` as the registered request until it finishes, cancellable by ``cancel(id:)``
    /// (and by cancelling the calling task, when the connection ends). The entry is removed when
    /// `work` returns, so the map holds only admitted requests that have not answered.
    func run(_ ticket: Ticket, _ work: @escaping @Sendable () async -> Void) async {
        let task = Task { await work() }
        let cancelledEarly = state.withLock { state -> Bool in
            guard let index = state.tasks[ticket.id]?.firstIndex(where: { $0.token == ticket.token }) else { return false }
            state.tasks[ticket.id]?[index].task = task
            return state.tasks[ticket.id]?[index].cancelled ?? false
        }
        if cancelledEarly { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        state.withLock { state in
            state.tasks[ticket.id]?.removeAll { $0.token == ticket.token }
            if state.tasks[ticket.id]?.isEmpty == true { state.tasks[ticket.id] = nil }
        }
    }

    /// Cancels the requests with this id, started or not; false when none is registered.
    @discardableResult
    func cancel(id: String) -> Bool {
        let tasks: [Task<Void, Never>?]? = state.withLock { state in
            guard var registrations = state.tasks[id] else { return nil }
            for index in registrations.indices { registrations[index].cancelled = true }
            state.tasks[id] = registrations
            return registrations.map(\.task)
        }
        for task in tasks ?? [] { task?.cancel() }
        return tasks != nil
    }
}

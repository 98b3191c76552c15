import Synchronization

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
        var task: Task<Void, Never>
    }

    private let limit: Int
    private let state = Mutex(State())

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

    /// Runs `work` as the request `id` until it finishes, cancellable by ``cancel(id:)`` (and by
    /// cancelling the calling task, when the connection ends). The entry is removed when
    /// `work` returns, so the map holds only running requests.
    func run(id: String, _ work: @escaping @Sendable () async -> Void) async {
        let task = Task { await work() }
        let token = state.withLock { state in
            state.nextToken += 1
            state.tasks[id, default: []].append(Registration(token: state.nextToken, task: task))
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        state.withLock { state in
            state.tasks[id]?.removeAll { $0.token == token }
            if state.tasks[id]?.isEmpty == true { state.tasks[id] = nil }
        }
    }

    /// Cancels the running requests with this id; false when none runs.
    @discardableResult
    func cancel(id: String) -> Bool {
        let tasks = state.withLock { $0.tasks[id]?.map(\.task) ?? [] }
        for task in tasks { task.cancel() }
        return !tasks.isEmpty
    }
}

import Synchronization

/// Counts a connection's running requests: bounds how many run at once (the reader waits
/// for a slot, so a flooding client is slowed by TCP backpressure) and tells a drain how many
/// still run.
final class InFlightRequests: Sendable {
    private struct State {
        var running = 0
        var slotWaiters: [CheckedContinuation<Void, Never>] = []
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
}

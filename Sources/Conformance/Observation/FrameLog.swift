import GatewayClient
import Locking

/// Every frame one connection received, in order, and whether the connection has ended; tasks
/// wait on it for a condition with a timeout.
final class FrameLog: Sendable {
    struct Snapshot: Sendable {
        var frames: [ReceivedFrame] = []
        /// The connection is over: no frame will follow.
        var ended = false
    }

    private struct Waiter {
        var condition: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var snapshot = Snapshot()
        var waiters: [Int: Waiter] = [:]
        /// Waiters whose timeout fired before they registered.
        var expired: Set<Int> = []
        var nextWaiter = 0
        var problems: [FrameProblem] = []
    }

    private let state = Locked(State())

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Frames so far that broke the envelope or payload rules.
    var problems: [FrameProblem] { state.withLock { $0.problems } }

    func append(_ frame: ReceivedFrame, problem: FrameProblem? = nil) {
        if let problem { state.withLock { $0.problems.append(problem) } }
        update { $0.frames.append(frame) }
    }

    func finish() {
        update { $0.ended = true }
    }

    /// Waits until `condition` holds (checked now and after every change), the connection ends
    /// or `timeout` passes, and returns the log as it is then.
    @discardableResult
    func wait(timeout: Duration, until condition: @escaping @Sendable (Snapshot) -> Bool) async -> Snapshot {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.expire(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.expired.remove(id) != nil || state.snapshot.ended || condition(state.snapshot) { return true }
                state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
        return snapshot
    }

    /// The first frame after position `index` (nil: from the start) that satisfies `predicate`,
    /// waiting at most `timeout`.
    func first(after index: Int? = nil, timeout: Duration, where predicate: @escaping @Sendable (ReceivedFrame) -> Bool) async -> ReceivedFrame? {
        let start = (index ?? -1) + 1
        let snapshot = await wait(timeout: timeout) { snapshot in
            snapshot.frames.dropFirst(start).contains(where: predicate)
        }
        return snapshot.frames.dropFirst(start).first(where: predicate)
    }

    /// Waits for the end of the connection; false when it is still open after `timeout`.
    func waitForEnd(timeout: Duration) async -> Bool {
        await wait(timeout: timeout) { $0.ended }.ended
    }

    private func update(_ change: (inout Snapshot) -> Void) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { state in
            change(&state.snapshot)
            let snapshot = state.snapshot
            var ready: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters where snapshot.ended || waiter.condition(snapshot) {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private func expire(_ id: Int) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
            state.expired.insert(id)
            return nil
        }
        continuation?.resume()
    }
}

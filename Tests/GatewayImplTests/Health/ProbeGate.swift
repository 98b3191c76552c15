import GatewayImpl
import Synchronization

/// A backend probe that counts its calls and holds each one until the test opens the gate.
final class ProbeGate: Sendable {
    private struct State {
        var calls = 0
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var calls: Int { state.withLock { $0.calls } }

    /// The probe: counts the call, waits for the gate, answers "reachable, model present".
    func probe() async -> BackendStatus {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { state in
                state.calls += 1
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
        return BackendStatus(reachable: true, modelPresent: true)
    }

    /// Lets every held probe, and every later one, through.
    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

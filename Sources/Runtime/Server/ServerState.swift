import Locking

/// The server's life as the probes see it, plus the addresses it listens on.
public final class ServerState: Sendable {
    public enum Phase: String, Sendable {
        case starting
        case serving
        case draining
        case stopped
    }

    /// Where the server listens (ports resolved when 0 was asked for).
    public struct Addresses: Sendable, Equatable {
        public var host: String
        public var webSocketPort: Int
        public var httpPort: Int
    }

    private struct State {
        var phase = Phase.starting
        var addresses: Addresses?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Addresses, any Error>] = []
    }

    private let state = Locked(State())
    let startedAt = ContinuousClock.now

    public var phase: Phase { state.withLock { $0.phase } }

    public var uptimeMs: Int {
        let elapsed = ContinuousClock.now - startedAt
        return Int(elapsed.nanoseconds / 1_000_000)
    }

    func serving(at addresses: Addresses) {
        let waiters = state.withLock { state in
            state.phase = .serving
            state.addresses = addresses
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: addresses) }
    }

    func failed(_ error: any Error) {
        let waiters = state.withLock { state in
            state.phase = .stopped
            state.failure = error
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(throwing: error) }
    }

    func enter(_ phase: Phase) {
        state.withLock { $0.phase = phase }
    }

    /// The addresses if already bound.
    func addressesNow() -> Addresses? {
        state.withLock { $0.addresses }
    }

    /// Waits until the listeners are bound (or binding failed).
    public func addresses() async throws -> Addresses {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Addresses, any Error>? = state.withLock { state in
                if let addresses = state.addresses { return .success(addresses) }
                if let failure = state.failure { return .failure(failure) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

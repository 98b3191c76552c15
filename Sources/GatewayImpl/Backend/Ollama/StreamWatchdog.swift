import Synchronization

/// Enforces a streamed reply's two timeouts: until the first line arrives, the first-token
/// timeout counted from the start; after it, the idle timeout counted from the latest line.
/// The reading task reports each line; ``run()`` races it and throws when a deadline passes.
final class StreamWatchdog: Sendable {
    private struct Progress {
        var lastLine: ContinuousClock.Instant?
    }

    private let start: ContinuousClock.Instant
    private let firstTokenTimeout: Duration
    private let idleTimeout: Duration
    private let progress = Mutex(Progress())

    init(start: ContinuousClock.Instant, firstTokenTimeout: Duration, idleTimeout: Duration) {
        self.start = start
        self.firstTokenTimeout = firstTokenTimeout
        self.idleTimeout = idleTimeout
    }

    /// Called by the reader for every line received.
    func lineReceived() {
        let now = ContinuousClock.now
        progress.withLock { $0.lastLine = now }
    }

    /// Sleeps until the current deadline; if no line moved it meanwhile, throws the matching
    /// timeout. Returns only by throwing (a timeout, or `CancellationError` once the reader is done).
    ///
    /// While waiting for the first line it also wakes every idle timeout, because the first
    /// line replaces the (long) first-token deadline with a (short) idle one. So the loop runs
    /// at most `firstTokenTimeout / idleTimeout` times before the first line, then at most once
    /// per line, plus one.
    func run() async throws -> Never {
        while true {
            let (deadline, timeout) = currentDeadline()
            let now = ContinuousClock.now
            if now >= deadline { throw timeout }
            let wake = timeout == .firstTokenTimeout ? min(deadline, now + idleTimeout) : deadline
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }

    private func currentDeadline() -> (ContinuousClock.Instant, ModelBackendError) {
        if let lastLine = progress.withLock({ $0.lastLine }) {
            return (lastLine + idleTimeout, .idleTimeout)
        }
        return (start + firstTokenTimeout, .firstTokenTimeout)
    }
}

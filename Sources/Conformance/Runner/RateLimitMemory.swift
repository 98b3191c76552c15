import Locking

/// What the run learned about the gateway's rate limit: the last `retryAfterMs` it asked for.
/// A case that must send two writes in quick succession (start a run, abort it) first waits
/// long enough for the budget to hold both.
final class RateLimitMemory: Sendable {
    private let lastDelay = Locked<Duration?>(nil)

    var last: Duration? { lastDelay.withLock { $0 } }

    func record(_ delay: Duration) {
        lastDelay.withLock { $0 = delay }
    }
}

import Locking

/// Enforces a streamed reply's two timeouts: until the reply makes progress, the first-token
/// timeout counted from the start; after it, the idle timeout counted from the latest progress.
/// The reading task reports progress; ``run()`` races it and throws when a deadline passes.
///
/// What counts as progress is the backend's choice: a line of Ollama's NDJSON; a text (or
/// reasoning) delta of an SSE stream — never a keep-alive `ping` or an unknown event, so a
/// provider that only pings still times out.
final class StreamWatchdog: Sendable {
    private struct Progress {
        var last: ContinuousClock.Instant?
    }

    private let start: ContinuousClock.Instant
    private let firstTokenTimeout: Duration
    private let idleTimeout: Duration
    private let progress = Locked(Progress())

    init(start: ContinuousClock.Instant, firstTokenTimeout: Duration, idleTimeout: Duration) {
        self.start = start
        self.firstTokenTimeout = firstTokenTimeout
        self.idleTimeout = idleTimeout
    }

    /// Called by the reader whenever the reply moves.
    func madeProgress() {
        let now = ContinuousClock.now
        progress.withLock { $0.last = now }
    }

    /// Sleeps until the current deadline; if nothing moved meanwhile, throws the matching
    /// timeout. Returns only by throwing (a timeout, or `CancellationError` once the reader is done).
    ///
    /// While waiting for the first progress it also wakes every idle timeout, because the first
    /// progress replaces the (long) first-token deadline with a (short) idle one. So the loop runs
    /// at most `firstTokenTimeout / idleTimeout` times before it, then at most once per progress, plus one.
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
        if let last = progress.withLock({ $0.last }) {
            return (last + idleTimeout, .idleTimeout)
        }
        return (start + firstTokenTimeout, .firstTokenTimeout)
    }

    /// Runs `read` (which streams the reply, reporting progress to the watchdog) against the
    /// request's timeouts. The first to finish decides: the reply, or a timeout; cancelling the
    /// other closes the HTTP connection, so the server stops generating. A cancelled caller gets
    /// `CancellationError`, whatever the HTTP layer threw meanwhile.
    static func guarding(
        _ request: ModelChatRequest,
        onDelta: @Sendable (String) async -> Void,
        read: @escaping @Sendable (StreamWatchdog, @escaping @Sendable (String) async -> Void) async throws -> ModelChatCompletion
    ) async throws -> ModelChatCompletion {
        let watchdog = StreamWatchdog(start: .now, firstTokenTimeout: request.firstTokenTimeout, idleTimeout: request.idleTimeout)
        do {
            // The group ends before this returns, so `onDelta` does not really escape.
            return try await withoutActuallyEscaping(onDelta) { onDelta in
                try await withThrowingTaskGroup(of: ModelChatCompletion.self) { group in
                    group.addTask { try await read(watchdog, onDelta) }
                    group.addTask { try await watchdog.run() }
                    defer { group.cancelAll() }
                    guard let completion = try await group.next() else { throw ModelBackendError.streamEndedEarly }
                    return completion
                }
            }
        } catch {
            throw HTTPFailure.callerFacing(error)
        }
    }
}

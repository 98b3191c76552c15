/// When each streamed piece of a reply is due: the first after the time-to-first-token,
/// each next one a fixed interval later. Deadlines are absolute, so slow writes do not
/// accumulate drift, and every wait is a cancellation point.
struct PacingSchedule: Sendable {
    let start: ContinuousClock.Instant
    let firstTokenDelay: Duration
    /// Zero when pieces are sent as fast as possible.
    let interval: Duration

    init(start: ContinuousClock.Instant, firstTokenDelay: Duration, tokensPerSecond: Double) {
        self.start = start
        self.firstTokenDelay = firstTokenDelay
        self.interval = tokensPerSecond > 0 ? .seconds(1 / tokensPerSecond) : .zero
    }

    func deadline(forToken index: Int) -> ContinuousClock.Instant {
        start + firstTokenDelay + interval * index
    }

    /// Waits until piece `index` is due; throws `CancellationError` when the client has gone.
    func wait(forToken index: Int) async throws {
        let deadline = deadline(forToken: index)
        if deadline > .now {
            try await Task.sleep(until: deadline, clock: .continuous)
        } else {
            try Task.checkCancellation()
        }
    }
}

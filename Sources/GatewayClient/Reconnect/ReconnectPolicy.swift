/// When a client that lost an established connection tries again: jittered exponential backoff.
///
/// Attempt `n` (from 0) waits a random delay in the upper half of `min(maxDelay, initialDelay·2ⁿ)`,
/// so clients that lost the same gateway do not all come back at the same instant.
public struct ReconnectPolicy: Sendable, Equatable {
    /// Whether to reconnect at all; when false a lost connection closes the client.
    public var enabled: Bool = true
    /// The ceiling of the first delay (250 ms).
    public var initialDelay: Duration = .milliseconds(250)
    /// The largest ceiling (10 s).
    public var maxDelay: Duration = .seconds(10)

    /// The default: reconnect, 250 ms doubling to 10 s.
    public init() {}

    /// A policy with these delays.
    public init(enabled: Bool = true, initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(10)) {
        self.enabled = enabled
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// No reconnects.
    public static let never = ReconnectPolicy(enabled: false)

    /// The ceiling of attempt `attempt` (from 0): `min(maxDelay, initialDelay·2^attempt)`.
    public func ceiling(forAttempt attempt: Int) -> Duration {
        var ceiling = initialDelay
        for _ in 0..<min(max(attempt, 0), 40) {
            if ceiling >= maxDelay { break }
            ceiling = ceiling * 2
        }
        return min(ceiling, maxDelay)
    }

    /// The delay before attempt `attempt`: uniformly random in the upper half of its ceiling.
    /// `unit` is a number in `0..<1` (a random one unless a test fixes it).
    public func delay(forAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        let ceiling = ceiling(forAttempt: attempt)
        let fraction = 0.5 + 0.5 * min(max(unit, 0), 1)
        return ceiling * fraction
    }
}

/// When and how long to wait before asking the same provider again, as the OpenAI and
/// Anthropic SDKs do: only transient failures (``ModelBackendError/isTransient``), only before
/// the reply's first token, at most `maxRetries` times, after the provider's `Retry-After` when
/// it is within `maxRetryAfter`, else after an exponential backoff with jitter.
///
/// A `Retry-After` longer than `maxRetryAfter` (or absurd: a year, 1e300) ends the retries on
/// this provider at once, so the run moves on to its fallbacks instead of waiting.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt. Default 2 (the SDKs' default); 0 turns retrying off.
    public var maxRetries: Int
    /// The first backoff; each next one doubles. Default 0.5 s.
    public var initialBackoff: Duration
    /// The longest backoff. Default 8 s.
    public var maxBackoff: Duration
    /// The longest `Retry-After` honoured. Default 60 s.
    public var maxRetryAfter: Duration

    public init(
        maxRetries: Int = 2, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxRetries = min(max(0, maxRetries), 10)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxRetries: 0)

    /// How long to wait before attempt `attempt + 1` (attempts count from 0) after `error`, or
    /// nil when it must not be retried. `random` returns a number in 0..<1 (jitter).
    func delay(afterAttempt attempt: Int, error: ModelBackendError, random: () -> Double = { Double.random(in: 0..<1) })
        -> Duration?
    {
        guard attempt < maxRetries, error.isTransient else { return nil }
        if case .upstream(let failure) = error, let seconds = failure.retryAfterSeconds, seconds.isFinite, seconds > 0 {
            let limit = Double(maxRetryAfter.components.seconds) + Double(maxRetryAfter.components.attoseconds) / 1e18
            // Beyond the limit: waiting less than asked is pointless, waiting that long is worse.
            guard seconds <= limit else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        let doubled = initialBackoff * (1 << min(attempt, 16))
        let capped = min(doubled, maxBackoff)
        return capped * (1 - 0.25 * min(max(random(), 0), 1))
    }
}

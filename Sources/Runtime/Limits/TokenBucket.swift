/// What a budget says to one more request.
public enum RateLimitDecision: Equatable, Sendable {
    case allowed
    /// Over budget; the next request is allowed after this many milliseconds.
    case limited(retryAfterMs: Int)
}

/// One budget: `capacity` requests, refilled evenly over a window. A full bucket allows a burst
/// of the whole budget, then one request per `window / capacity`.
struct TokenBucket: Sendable {
    typealias Decision = RateLimitDecision

    let capacity: Double
    let refillPerSecond: Double
    private(set) var tokens: Double
    private(set) var updated: ContinuousClock.Instant

    /// A full bucket for `limit` (at least one message; a window of at least 1 ms).
    init(limit: RuntimeConfiguration.RateLimit, now: ContinuousClock.Instant) {
        capacity = Double(max(limit.messages, 1))
        refillPerSecond = capacity / max(Self.seconds(limit.window), 0.001)
        tokens = capacity
        updated = now
    }

    /// Takes one token if there is one.
    mutating func take(at now: ContinuousClock.Instant) -> Decision {
        tokens = min(capacity, tokens + refillPerSecond * Self.seconds(now - updated))
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        let waitSeconds = (1 - tokens) / refillPerSecond
        return .limited(retryAfterMs: max(1, Int((waitSeconds * 1000).rounded(.up))))
    }

    /// Whether the bucket has refilled completely by `now` (it can be forgotten: a new one is the same).
    func isFull(at now: ContinuousClock.Instant) -> Bool {
        tokens + refillPerSecond * Self.seconds(now - updated) >= capacity
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

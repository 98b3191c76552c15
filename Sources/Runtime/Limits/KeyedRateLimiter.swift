import Locking

/// Token buckets keyed by client identity: `capacity` requests, refilled evenly over `window`.
///
/// A bucket allows a burst of the whole budget and then one request per `window / capacity`,
/// so a client that reconnects keeps its bucket (the key is not the socket).
public final class KeyedRateLimiter: Sendable {
    public typealias Decision = RateLimitDecision

    private let limit: RuntimeConfiguration.RateLimit
    private let clock = ContinuousClock()
    /// Past this count, buckets of identities idle long enough to be full again are dropped; if
    /// the live ones alone still exceed it (a flood from that many identities), the least
    /// recently used are dropped down to 90 % (each then starts again with a full budget), so the
    /// map is bounded and pruning runs once per tenth of the cap, not on every request.
    private let maxTrackedKeys: Int
    private let buckets = Locked<[String: TokenBucket]>([:])

    public init(limit: RuntimeConfiguration.RateLimit, maxTrackedKeys: Int = 100_000) {
        self.limit = limit
        self.maxTrackedKeys = max(1, maxTrackedKeys)
    }

    /// Identities with a bucket now.
    public var trackedKeyCount: Int { buckets.withLock { $0.count } }

    /// Takes one token for `key` if there is one.
    public func consume(_ key: String) -> Decision {
        let now = clock.now
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? TokenBucket(limit: limit, now: now)
            let decision = bucket.take(at: now)
            buckets[key] = bucket
            if buckets.count > maxTrackedKeys { prune(&buckets, now: now) }
            return decision
        }
    }

    private func prune(_ buckets: inout [String: TokenBucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { !$0.value.isFull(at: now) }
        let target = max(1, maxTrackedKeys * 9 / 10)
        guard buckets.count > target else { return }
        let newest = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(target)
        buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}

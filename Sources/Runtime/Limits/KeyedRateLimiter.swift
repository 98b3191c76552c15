import Synchronization

/// Token buckets keyed by client identity: `capacity` requests, refilled evenly over `window`.
///
/// A bucket allows a burst of the whole budget and then one request per `window / capacity`,
/// so a client that reconnects keeps its bucket (the key is not the socket).
public final class KeyedRateLimiter: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Over budget; the next request is allowed after this many milliseconds.
        case limited(retryAfterMs: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let clock = ContinuousClock()
    /// Past this count, buckets of identities idle long enough to be full again are dropped; if
    /// the live ones alone still exceed it (a flood from that many identities), the least
    /// recently used are dropped down to 90 % (each then starts again with a full budget), so the
    /// map is bounded and pruning runs once per tenth of the cap, not on every request.
    private let maxTrackedKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(limit: RuntimeConfiguration.RateLimit, maxTrackedKeys: Int = 100_000) {
        capacity = Double(max(limit.messages, 1))
        let seconds = Double(limit.window.components.seconds) + Double(limit.window.components.attoseconds) / 1e18
        refillPerSecond = capacity / max(seconds, 0.001)
        self.maxTrackedKeys = max(1, maxTrackedKeys)
    }

    /// Identities with a bucket now.
    public var trackedKeyCount: Int { buckets.withLock { $0.count } }

    /// Takes one token for `key` if there is one.
    public func consume(_ key: String) -> Decision {
        let now = clock.now
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + refillPerSecond * seconds(now - bucket.updated))
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > maxTrackedKeys { prune(&buckets, now: now) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return .allowed
            }
            let waitSeconds = (1 - bucket.tokens) / refillPerSecond
            return .limited(retryAfterMs: max(1, Int((waitSeconds * 1000).rounded(.up))))
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let fullAfter = capacity / refillPerSecond
        buckets = buckets.filter { seconds(now - $0.value.updated) < fullAfter }
        let target = max(1, maxTrackedKeys * 9 / 10)
        guard buckets.count > target else { return }
        let newest = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(target)
        buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

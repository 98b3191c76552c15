import Synchronization

/// Locks out an address after repeated failed authentication (brute-force guard), as
/// OpenClaw does: `failures` within `window` → locked for `lockout`.
public final class AuthFailureLimiter: Sendable {
    private struct Record {
        var failures: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
    }

    private let limit: RuntimeConfiguration.AuthFailureLimit
    private let exemptLoopback: Bool
    private let clock = ContinuousClock()
    private let records = Mutex<[String: Record]>([:])

    /// `exemptLoopback`: loopback addresses are never counted nor locked out.
    public init(limit: RuntimeConfiguration.AuthFailureLimit, exemptLoopback: Bool) {
        self.limit = limit
        self.exemptLoopback = exemptLoopback
    }

    /// Milliseconds the address must still wait, or nil when it may try.
    public func lockoutRemainingMs(for address: String, isLoopback: Bool) -> Int? {
        guard !(isLoopback && exemptLoopback) else { return nil }
        let now = clock.now
        return records.withLock { records in
            guard let until = records[address]?.lockedUntil else { return nil }
            guard until > now else {
                records[address] = nil
                return nil
            }
            let remaining = until - now
            return Int(remaining.nanoseconds / 1_000_000)
        }
    }

    /// Records a failure; true when this failure locked the address out.
    @discardableResult
    public func recordFailure(for address: String, isLoopback: Bool) -> Bool {
        guard !(isLoopback && exemptLoopback) else { return false }
        let now = clock.now
        return records.withLock { records in
            var record = records[address] ?? Record()
            record.failures = record.failures.filter { now - $0 < limit.window } + [now]
            var lockedNow = false
            if record.failures.count >= limit.failures {
                record.lockedUntil = now + limit.lockout
                record.failures = []
                lockedNow = true
            }
            records[address] = record
            if records.count > 100_000 {
                records = records.filter { $0.value.lockedUntil.map { $0 > now } ?? !$0.value.failures.isEmpty }
            }
            return lockedNow
        }
    }

    /// A successful authentication clears the address's failures.
    public func recordSuccess(for address: String) {
        records.withLock { records in
            if records[address]?.lockedUntil == nil { records[address] = nil }
        }
    }
}

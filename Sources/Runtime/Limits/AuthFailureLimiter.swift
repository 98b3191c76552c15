import Locking

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
    private let records = Locked<[String: Record]>([:])
    /// Addresses tracked at most. Past it, records that no longer matter (no failure inside the
    /// window, no lockout running) are dropped; if live ones alone still exceed it (a flood from
    /// that many addresses), the least recently active are dropped down to 90 %, so the map is
    /// bounded and pruning runs once per tenth of the cap, not on every failure.
    private let maxTrackedAddresses: Int

    /// `exemptLoopback`: loopback addresses are never counted nor locked out.
    public init(limit: RuntimeConfiguration.AuthFailureLimit, exemptLoopback: Bool, maxTrackedAddresses: Int = 100_000) {
        self.limit = limit
        self.exemptLoopback = exemptLoopback
        self.maxTrackedAddresses = max(1, maxTrackedAddresses)
    }

    /// Addresses with a record now (failures or a lockout).
    public var trackedAddressCount: Int { records.withLock { $0.count } }

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
            if records.count > maxTrackedAddresses { prune(&records, now: now) }
            return lockedNow
        }
    }

    private func prune(_ records: inout [String: Record], now: ContinuousClock.Instant) {
        records = records.filter { entry in
            entry.value.lockedUntil.map { $0 > now } ?? entry.value.failures.contains { now - $0 < limit.window }
        }
        let target = max(1, maxTrackedAddresses * 9 / 10)
        guard records.count > target else { return }
        // After the filter every record has a recent failure or a running lockout.
        let newest = records.map { (key: $0.key, record: $0.value, last: [$0.value.failures.last, $0.value.lockedUntil].compactMap { $0 }.max() ?? now) }
            .sorted { $0.last > $1.last }.prefix(target)
        records = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.record) })
    }

    /// A successful authentication clears the address's failures.
    public func recordSuccess(for address: String) {
        records.withLock { records in
            if records[address]?.lockedUntil == nil { records[address] = nil }
        }
    }
}

/// What a replica has received from each other replica: every event is delivered once and in
/// its origin's order. Origins silent for ``forgetAfter`` are forgotten (replicas come and go
/// with every rollout; each has a new name), so the map stays as small as the live replicas.
struct RelayOrder {
    enum Verdict: Equatable {
        case deliver
        /// Already delivered (a notification seen twice), or older than the last one.
        case duplicate
        /// Delivered, but `missed` events of this origin before it never arrived (a dropped
        /// listener connection, an event the origin could not send).
        case deliverAfterGap(missed: Int64)
    }

    static let forgetAfter: Duration = .seconds(600)

    private var last: [String: (seq: Int64, at: ContinuousClock.Instant)] = [:]
    private var lastSweep = ContinuousClock.now

    var originCount: Int { last.count }

    mutating func accept(origin: String, seq: Int64, now: ContinuousClock.Instant = .now) -> Verdict {
        if now - lastSweep > .seconds(60) {
            last = last.filter { now - $0.value.at < Self.forgetAfter }
            lastSweep = now
        }
        guard let previous = last[origin] else {
            // The first event heard from a replica: whatever came before is history, not a gap.
            last[origin] = (seq, now)
            return .deliver
        }
        guard seq > previous.seq else { return .duplicate }
        last[origin] = (seq, now)
        // Another replica's number: no arithmetic on it may trap.
        let (difference, overflow) = seq.subtractingReportingOverflow(previous.seq)
        let missed = overflow ? Int64.max : difference - 1
        return missed > 0 ? .deliverAfterGap(missed: missed) : .deliver
    }
}

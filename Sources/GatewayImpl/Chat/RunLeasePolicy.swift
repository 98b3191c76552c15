/// How replicas sharing a store tell a live run from one whose replica died (docs/replicas.md).
///
/// Each replica renews the lease of every run it streams every ``renewInterval``. A `running`
/// run whose lease is older than ``expiry`` lost its replica (`kill -9`, a node gone): the next
/// sweep of any replica records it failed, so a resent key answers `error` and `agent.wait`
/// returns instead of waiting forever. A run with a fresh lease on another replica is in flight,
/// and a resent key answers `in_flight`, as on the replica that runs it.
///
/// Leases compare the replicas' clocks; keep them within a few seconds of each other (NTP,
/// as every Kubernetes node runs) — ``expiry`` leaves that much slack.
public struct RunLeasePolicy: Sendable, Equatable {
    /// This replica's name in the store's `owner` column; unique per process.
    public var replicaId: String
    /// How often the replica renews its runs' leases and sweeps for expired ones. Default 5 s.
    public var renewInterval: Duration = .seconds(5)
    /// How old a lease may get before its run counts as lost. Default 20 s (four renewals).
    public var expiry: Duration = .seconds(20)

    public init(replicaId: String) {
        self.replicaId = replicaId
    }

    var expiryMs: Int64 { Int64(expiry / .milliseconds(1)) }
}

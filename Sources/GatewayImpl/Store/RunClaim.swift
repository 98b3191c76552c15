/// What ``SessionStore/claimRun(_:leaseFreshSince:)`` did.
public enum RunClaim: Sendable, Equatable {
    /// The run was inserted: start it.
    case created(RunRecord)
    /// A run with this idempotency key exists (a retry): replay it.
    case existing(RunRecord)
    /// Another run of the session streams under a fresh lease: nothing was inserted.
    case busy(RunRecord)
}

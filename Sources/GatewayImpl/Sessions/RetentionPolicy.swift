/// How long sessions and their transcripts are kept (`--session-retention-days`,
/// `--max-messages-per-session`). OpenClaw keeps sessions until they are deleted; a gateway
/// serving many clients for months needs a bound, so the defaults are generous but finite.
public struct RetentionPolicy: Sendable, Equatable {
    /// A session not updated (no message, no patch) for this long is deleted with its
    /// transcript; `.zero` keeps sessions forever. A session with a streaming run is never
    /// deleted. Default 30 days.
    public var sessionRetention: Duration = .seconds(30 * 86_400)
    /// A transcript longer than this loses its oldest messages (the model sees at most the
    /// newest 200 anyway); `0` keeps every message. Default 1,000.
    public var maxMessagesPerSession: Int = 1_000
    /// Time between two sweeps; the first runs right after start-up. Default 10 minutes.
    public var sweepInterval: Duration = .seconds(600)
    /// Most sessions deleted, and most messages trimmed, by one sweep (one short write
    /// transaction each), so a sweep never stalls chats; a backlog takes several sweeps.
    /// Default 500.
    public var batchSize: Int = 500

    public init() {}

    /// Retention in whole days as the flag takes it (`0` = keep forever).
    public init(sessionRetentionDays: Int, maxMessagesPerSession: Int) {
        sessionRetention = .seconds(max(0, sessionRetentionDays) * 86_400)
        self.maxMessagesPerSession = max(0, maxMessagesPerSession)
    }

    /// Whether sweeping would ever delete anything.
    public var isEnabled: Bool { sessionRetention > .zero || maxMessagesPerSession > 0 }

    /// ``sessionRetention`` in whole days, as `config.get` shows it.
    public var sessionRetentionDays: Int { Int(sessionRetention.components.seconds / 86_400) }
}

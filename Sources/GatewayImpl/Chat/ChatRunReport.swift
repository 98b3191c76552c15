/// How one chat run went, as its final `chat` event tells it, with its timing.
public struct ChatRunReport: Sendable, Equatable {
    /// The final `chat` event's state.
    public enum Outcome: String, Sendable {
        case final
        case aborted
        case error
    }

    public var outcome: Outcome
    /// From the start of the run (right after the `chat.send` ack) to its final event.
    public var duration: Duration
    /// From the start of the run to the model's first piece; nil when none came.
    public var timeToFirstToken: Duration?

    public init(outcome: Outcome, duration: Duration, timeToFirstToken: Duration?) {
        self.outcome = outcome
        self.duration = duration
        self.timeToFirstToken = timeToFirstToken
    }
}

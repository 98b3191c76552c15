/// A chat run started by the stream cases, and the member names they follow it by.
public struct ConformanceRun: Sendable, Equatable {
    /// The request that starts a run, with a spec example's params; the runner replaces
    /// ``idempotencyKeyField`` with a fresh key and ``messageField`` with its own text.
    public var start: ConformanceRequest
    /// The ack's schema.
    public var resultSchema: String
    public var idempotencyKeyField: String
    public var messageField: String
    public var sessionKeyField: String
    /// Names the run in the ack (equal to the idempotency key) and in every run event.
    public var runIdField: String
    /// The event that streams the run.
    public var event: String
    /// The member of the event payload that holds its state.
    public var stateField: String
    /// The member of the event payload that holds the message (cumulative on deltas).
    public var eventMessageField: String
    /// The state of the intermediate events.
    public var deltaState: String
    /// The states that end a run; exactly one of them ends each run.
    public var terminalStates: [String]

    public init(
        start: ConformanceRequest, resultSchema: String, idempotencyKeyField: String, messageField: String,
        sessionKeyField: String, runIdField: String, event: String, stateField: String, eventMessageField: String,
        deltaState: String, terminalStates: [String]
    ) {
        self.start = start
        self.resultSchema = resultSchema
        self.idempotencyKeyField = idempotencyKeyField
        self.messageField = messageField
        self.sessionKeyField = sessionKeyField
        self.runIdField = runIdField
        self.event = event
        self.stateField = stateField
        self.eventMessageField = eventMessageField
        self.deltaState = deltaState
        self.terminalStates = terminalStates
    }
}

/// The method that aborts a run, and how its answer and the run's end look.
public struct ConformanceAbort: Sendable, Equatable {
    /// Called with the run's session key and run id.
    public var method: String
    public var resultSchema: String
    /// The boolean member of the result that says a run was aborted.
    public var abortedField: String
    /// The terminal state of an aborted run.
    public var abortedState: String

    public init(method: String, resultSchema: String, abortedField: String, abortedState: String) {
        self.method = method
        self.resultSchema = resultSchema
        self.abortedField = abortedField
        self.abortedState = abortedState
    }
}

/// The method that reads a session's transcript, and how its messages look.
public struct ConformanceHistory: Sendable, Equatable {
    /// Called with the run's session key.
    public var method: String
    public var resultSchema: String
    public var messagesField: String
    public var roleField: String
    public var userRole: String
    public var assistantRole: String

    public init(method: String, resultSchema: String, messagesField: String, roleField: String, userRole: String, assistantRole: String) {
        self.method = method
        self.resultSchema = resultSchema
        self.messagesField = messagesField
        self.roleField = roleField
        self.userRole = userRole
        self.assistantRole = assistantRole
    }
}

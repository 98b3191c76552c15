/// The spec-independent part of the generated conformance suite: the types the cases are
/// written in. Emitted verbatim as `ConformanceModel.swift`; the cases themselves are
/// `ConformanceCases.swift`.
enum ConformanceModelTemplate {
    static let text = #####"""
/// One check of the conformance suite: what to send to a gateway and what a conforming one
/// answers. Cases are data; a runner (the `Conformance` module) interprets them.
public struct ConformanceCase: Sendable, Equatable, Identifiable {
    /// Stable across runs and spec edits that do not touch the case, e.g.
    /// `method/chat.send/valid/0`, `protocol/oversize-payload`, `stream/chat-ordering`.
    public var id: String
    /// What a report groups the case under: a method name, `protocol`, `stream` or `event`.
    public var group: String
    /// One line: what is sent and what must come back.
    public var summary: String
    public var kind: ConformanceCaseKind
    public var flags: ConformanceFlags
    /// The protocol versions the case applies to: a runner speaking another version skips it.
    public var protocols: [Int]

    public init(id: String, group: String, summary: String, kind: ConformanceCaseKind, flags: ConformanceFlags = [], protocols: [Int]) {
        self.id = id
        self.group = group
        self.summary = summary
        self.kind = kind
        self.flags = flags
        self.protocols = protocols
    }
}

/// What a case needs from the gateway it runs against.
public struct ConformanceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// The case waits for a model reply (a chat run); `--skip-model` skips it.
    public static let needsModel = ConformanceFlags(rawValue: 1 << 0)
    /// The case checks how the gateway treats credentials; it is skipped when the runner has no token.
    public static let needsAuth = ConformanceFlags(rawValue: 1 << 1)
    /// A conforming gateway changes state (sessions, transcripts, runs) when it runs the case.
    public static let mutates = ConformanceFlags(rawValue: 1 << 2)
}

/// A request as text: the method and its params as JSON, sent verbatim.
public struct ConformanceRequest: Sendable, Equatable {
    public var method: String
    /// Compact JSON text (any JSON value: invalid examples send arrays and strings too).
    public var params: String

    public init(method: String, params: String) {
        self.method = method
        self.params = params
    }
}

/// An answer that must be an error.
public struct ConformanceRejection: Sendable, Equatable {
    /// The `error.code` of the `ok: false` response.
    public var code: String
    /// The WebSocket close code that must follow the response; nil when the connection stays open.
    public var closeCode: Int?
    /// The `error.details.code` the response must carry, or nil when any (or none) will do.
    public var detailsCode: String?
    /// What `error.details` must hold when the response carries `details` (the spec's
    /// `reason` and `path` of invalid params; OpenClaw itself sends none for those).
    public var details: [ConformanceMatch]

    public init(code: String, closeCode: Int?, detailsCode: String? = nil, details: [ConformanceMatch] = []) {
        self.code = code
        self.closeCode = closeCode
        self.detailsCode = detailsCode
        self.details = details
    }
}

/// One step of an event-order rule.
public enum ConformanceOrderStep: Sendable, Equatable {
    /// An event of the run whose payload has these values (compact JSON) at these JSON pointers.
    case event(String, match: [ConformanceMatch])
    /// The response to this method, which the runner calls mid-run with the run's session key and id.
    case response(String)
}

/// A payload value an order step looks for.
public struct ConformanceMatch: Sendable, Equatable {
    /// A JSON pointer into the event payload (`/data/phase`) or the error details (`/path`).
    public var pointer: String
    /// Compact JSON.
    public var value: String

    public init(pointer: String, value: String) {
        self.pointer = pointer
        self.value = value
    }
}

/// Frames about one run that must arrive in the order of `steps` (a spec `eventOrder` rule).
public struct ConformanceOrderRule: Sendable, Equatable {
    public var name: String
    /// The payload member (and request param) that names the run.
    public var correlate: String
    public var steps: [ConformanceOrderStep]

    public init(name: String, correlate: String, steps: [ConformanceOrderStep]) {
        self.name = name
        self.correlate = correlate
        self.steps = steps
    }
}

/// How the runner makes an event happen that a short run may never see.
public enum ConformanceEventTrigger: Sendable, Equatable {
    /// Sent every hello-ok `policy.<policyField>` milliseconds (`defaultIntervalMs` when
    /// hello-ok has none): the runner waits up to twice that on its watcher connection.
    case periodic(policyField: String, defaultIntervalMs: Int)
    /// Sent when the gateway stops, before it closes every socket with `closeCode`: the runner
    /// runs the configured shutdown command, after every other case.
    case gatewayShutdown(closeCode: Int?)
    /// Sent when a client the gateway tracks for presence connects: the runner connects one
    /// with this client id and mode.
    case trackedClient(clientId: String, mode: String)
}

/// How a credential is wrong.
public enum ConformanceCredentialFault: String, Sendable, Equatable {
    /// `connect` carries no token.
    case missing
    /// `connect` carries a token that is not the gateway's.
    case wrong
}

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

/// What a case does. Every case also validates each frame it sees against the envelope
/// schemas and each known event against its payload schema.
public enum ConformanceCaseKind: Sendable, Equatable {
    /// The gateway speaks first: `event`, its payload valid against `payloadSchema`, no `seq`.
    case challengeFirst(event: String, payloadSchema: String)
    /// A request other than the handshake as the first frame is refused.
    case requestBeforeConnect(ConformanceRequest, ConformanceRejection)
    /// The handshake with a missing or wrong token is refused.
    case rejectedCredentials(ConformanceCredentialFault, ConformanceRejection)
    /// The handshake with a protocol range that excludes the spec's versions is refused.
    case protocolMismatch(minProtocol: Int, maxProtocol: Int, ConformanceRejection)
    /// The handshake with this range is accepted in protocol `expected`, its `hello-ok` valid
    /// against `resultSchema` in that version.
    case negotiation(minProtocol: Int, maxProtocol: Int, expected: Int, resultSchema: String)
    /// A request for a method the gateway does not have is refused; `probe` still gets its answer.
    case unknownMethod(ConformanceRequest, ConformanceRejection, probe: ConformanceRequest)
    /// Text that is not a valid request: answered with the rejection (when `replyRequired`, or
    /// optionally), and `probe` still gets its answer.
    case malformedFrame(text: String, ConformanceRejection, replyRequired: Bool, probe: ConformanceRequest)
    /// A binary message: ignored or refused, and `probe` still gets its answer.
    case binaryFrame(bytes: [UInt8], ConformanceRejection, probe: ConformanceRequest)
    /// A message one byte over the limit (`hello-ok`'s `policy.maxPayload`, else `maxPayload`)
    /// closes the connection with `closeCode`.
    case oversizeMessage(maxPayload: Int, closeCode: Int)
    /// The request, sent concurrently under each id, is answered under exactly that id.
    case responseIdEcho(ConformanceRequest, ids: [String])
    /// Sequenced events on one connection carry strictly increasing `seq`; the triggers (and,
    /// when they cause fewer than two, the run) make the gateway emit some.
    case sequenceIncreasing(triggers: [ConformanceRequest], run: ConformanceRun?)
    /// A handshake with the example's params (the runner's credentials in place of the example's,
    /// no device identity): `hello-ok` valid against `resultSchema`, or one of `accepted`.
    case connectExample(params: String, resultSchema: String, accepted: [ConformanceRejection])
    /// A handshake with invalid params is refused.
    case connectRejected(params: String, ConformanceRejection)
    /// The example's params are answered `ok` with a result valid against `resultSchema`, or —
    /// when the example depends on server state — with one of `acceptedErrors`.
    case validExample(ConformanceRequest, resultSchema: String, acceptedErrors: [String])
    /// The invalid params are refused with the rejection's code, and the connection still
    /// answers `probe` (a method every client may call) with `ok`: a gateway that refuses
    /// everything does not pass.
    case invalidExample(ConformanceRequest, ConformanceRejection, probe: ConformanceRequest?)
    /// A run is acked with its id, then streamed: deltas with cumulative text, then exactly one
    /// terminal event, all carrying the run id, nothing after the end.
    case chatOrdering(ConformanceRun)
    /// Aborting a run mid-stream ends it with exactly one aborted event; with `history`, the
    /// aborted event's partial text is then in the transcript.
    case abortDuringStream(ConformanceRun, ConformanceAbort, history: ConformanceHistory?)
    /// After a run, the history holds the user message and the assistant reply.
    case historyContainsExchange(ConformanceRun, ConformanceHistory)
    /// Every `event` seen during the whole run was valid against `payloadSchema` (runs last).
    /// When the run has not seen it, `trigger` says how the runner makes it happen; without
    /// one (or when the trigger cannot run), the case is skipped.
    case eventPayloads(event: String, payloadSchema: String, trigger: ConformanceEventTrigger?)
    /// A run (with the rule's response step requested mid-stream) delivers the rule's frames in
    /// its order.
    case eventOrder(ConformanceOrderRule, ConformanceRun)
}

/// The definition names of the envelopes.
public struct ConformanceFrames: Sendable, Equatable {
    public var request: String
    public var response: String
    public var event: String
    public var error: String

    public init(request: String, response: String, event: String, error: String) {
        self.request = request
        self.response = response
        self.event = event
        self.error = error
    }
}

/// What the suite knows about an event: its payload schema and whether its frames carry `seq`.
public struct ConformanceEvent: Sendable, Equatable {
    public var name: String
    public var payloadSchema: String
    public var sequenced: Bool

    public init(name: String, payloadSchema: String, sequenced: Bool) {
        self.name = name
        self.payloadSchema = payloadSchema
        self.sequenced = sequenced
    }
}
"""#####
}

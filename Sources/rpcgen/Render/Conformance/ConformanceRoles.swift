/// The protocol semantics the conformance cases rely on, by the names the spec gives them:
/// which method is the handshake, which starts a chat run, which close code means what.
///
/// The spec declares shapes, not roles, so the planner needs these names; each is looked up
/// in the IR and a case whose ingredients are missing is left out (the mini spec has no chat,
/// so it gets no stream cases) rather than generated against names that do not exist.
struct ConformanceRoles: Sendable {
    var connectMethod = "connect"
    var challengeEvent = "connect.challenge"
    /// The error code of malformed frames, unknown methods and failed handshakes.
    var invalidRequestCode = "INVALID_REQUEST"
    /// Close-code names (the spec's `closeCodes[…].name`).
    var policyViolationClose = "policyViolation"
    var protocolErrorClose = "protocolError"
    var messageTooBigClose = "messageTooBig"
    /// The `details.code` of a refused protocol range, when the spec lists it.
    var protocolMismatchDetail = "PROTOCOL_MISMATCH"
    /// The `details.code` of a handshake without the token, and with a wrong one.
    var tokenMissingDetail = "AUTH_TOKEN_MISSING"
    var tokenMismatchDetail = "AUTH_TOKEN_MISMATCH"
    /// Methods needing a scope other than this one change state.
    var readScope = "operator.read"

    /// Events a short run may never see, and how the runner makes them happen.
    var tickEvent = "tick"
    /// The hello-ok `policy` member with the tick interval (the spec's `limits.tickIntervalMs`).
    var tickPolicyField = "tickIntervalMs"
    var shutdownEvent = "shutdown"
    var serviceRestartClose = "serviceRestart"
    var presenceEvent = "presence"
    /// A client the gateway tracks for presence (not a `cli` one): the Control UI's id and mode.
    var trackedClientId = "openclaw-control-ui"
    var trackedClientMode = "webchat"

    var runMethod = "chat.send"
    var abortMethod = "chat.abort"
    var historyMethod = "chat.history"
    var runEvent = "chat"
    var idempotencyKeyField = "idempotencyKey"
    var messageField = "message"
    var sessionKeyField = "sessionKey"
    var runIdField = "runId"
    var stateField = "state"
    var eventMessageField = "message"
    var deltaState = "delta"
    var abortedState = "aborted"
    var abortedResultField = "aborted"
    var historyMessagesField = "messages"
    var roleField = "role"
    var userRole = "user"
    var assistantRole = "assistant"

    /// A method name no spec defines, for the unknown-method case.
    var unknownMethod = "conformance.no-such-method"
    /// Request ids the response-id case sends: plain, non-ASCII, long.
    var echoedIds = ["conformance-echo-1", "conformance/ünïcödé ✓", String(repeating: "0123456789abcdef", count: 8)]
    /// Text that is not JSON.
    var nonJSONText = "this is not JSON {"
    /// A binary message: not UTF-8, not JSON.
    var binaryBytes: [UInt8] = [0x80, 0x81, 0xfe, 0xff, 0x00, 0x7b]

    static let openClaw = ConformanceRoles()
}

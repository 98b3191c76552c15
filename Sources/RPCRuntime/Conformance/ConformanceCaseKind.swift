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

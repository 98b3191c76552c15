/// The conformance suite derived from the IR, language-neutral: every case with what it sends
/// and what a conforming gateway answers. Renderers spell it in their language; the runner
/// interprets it. Requests carry their params as JSON text, sent verbatim.
struct ConformancePlan: Sendable, Equatable {
    /// The protocol versions of the spec, ascending.
    var protocols: [Int]
    /// Definition names of the envelopes, for validating every frame.
    var frames: Frames
    /// Every event of the spec: its payload schema and whether its frames carry `seq`.
    var events: [Event]
    /// The error code of a rate-limited request (the runner waits `retryAfterMs` and retries).
    var rateLimitErrorCode: String
    /// The cases in execution order.
    var cases: [Case]

    struct Frames: Sendable, Equatable {
        var request: String
        var response: String
        var event: String
        var error: String
    }

    struct Event: Sendable, Equatable {
        var name: String
        var payloadSchema: String
        var sequenced: Bool
    }

    /// A request as text.
    struct Request: Sendable, Equatable {
        var method: String
        /// JSON text, compact.
        var params: String
    }

    /// An answer that must be `ok: false` with `code`, then a close with `closeCode` (nil: the
    /// connection stays open).
    struct Rejection: Sendable, Equatable {
        var code: String
        var closeCode: Int?
        /// The `error.details.code` the response must carry, when the spec names one.
        var detailsCode: String? = nil
        /// What `error.details` must hold when the response carries `details`.
        var details: [Match] = []

        func withDetailsCode(_ code: String?) -> Rejection {
            var copy = self
            copy.detailsCode = code
            return copy
        }
    }

    /// A value at a JSON pointer (compact JSON).
    struct Match: Sendable, Equatable {
        var pointer: String
        var value: String
    }

    /// An event-order rule of the spec, for one run.
    struct OrderRule: Sendable, Equatable {
        enum Step: Sendable, Equatable {
            /// An event whose payload has these values (compact JSON) at these JSON pointers.
            case event(String, match: [Match])
            /// The response to this method, called mid-run with the run's session key and id.
            case response(String)
        }

        var name: String
        var correlate: String
        var steps: [Step]
    }

    /// How the runner makes an event happen that a short run may never see.
    enum EventTrigger: Sendable, Equatable {
        /// Sent every hello-ok `policy.<policyField>` ms (`defaultIntervalMs` without it).
        case periodic(policyField: String, defaultIntervalMs: Int)
        /// Sent when the gateway stops, then every socket closes with `closeCode`.
        case gatewayShutdown(closeCode: Int?)
        /// Sent when a client the gateway tracks for presence connects.
        case trackedClient(clientId: String, mode: String)
    }

    enum CredentialFault: String, Sendable, Equatable {
        case missing
        case wrong
    }

    /// A chat run the stream cases start, and the member names they follow it by.
    struct Run: Sendable, Equatable {
        var start: Request
        var resultSchema: String
        var idempotencyKeyField: String
        var messageField: String
        var sessionKeyField: String
        var runIdField: String
        var event: String
        var stateField: String
        var eventMessageField: String
        var deltaState: String
        var terminalStates: [String]
    }

    struct Abort: Sendable, Equatable {
        var method: String
        var resultSchema: String
        var abortedField: String
        var abortedState: String
    }

    struct History: Sendable, Equatable {
        var method: String
        var resultSchema: String
        var messagesField: String
        var roleField: String
        var userRole: String
        var assistantRole: String
    }

    struct Flags: Sendable, Equatable {
        var needsModel = false
        var needsAuth = false
        var mutates = false
    }

    struct Case: Sendable, Equatable {
        var id: String
        var group: String
        var summary: String
        var kind: Kind
        var flags: Flags
        /// The protocol versions the case applies to.
        var protocols: [Int]
    }

    enum Kind: Sendable, Equatable {
        case challengeFirst(event: String, payloadSchema: String)
        case requestBeforeConnect(Request, Rejection)
        case rejectedCredentials(CredentialFault, Rejection)
        case protocolMismatch(minProtocol: Int, maxProtocol: Int, Rejection)
        case negotiation(minProtocol: Int, maxProtocol: Int, expected: Int, resultSchema: String)
        case unknownMethod(Request, Rejection, probe: Request)
        case malformedFrame(text: String, Rejection, replyRequired: Bool, probe: Request)
        case binaryFrame(bytes: [UInt8], Rejection, probe: Request)
        case oversizeMessage(maxPayload: Int, closeCode: Int)
        case responseIdEcho(Request, ids: [String])
        case sequenceIncreasing(triggers: [Request], run: Run?)
        case connectExample(params: String, resultSchema: String, accepted: [Rejection])
        case connectRejected(params: String, Rejection)
        case validExample(Request, resultSchema: String, acceptedErrors: [String])
        case invalidExample(Request, Rejection, probe: Request?)
        case chatOrdering(Run)
        case abortDuringStream(Run, Abort, History?)
        case historyContainsExchange(Run, History)
        case eventPayloads(event: String, payloadSchema: String, trigger: EventTrigger?)
        case eventOrder(OrderRule, Run)
    }
}

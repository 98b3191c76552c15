/// The spec as read from disk: structure checked, references not yet resolved.
struct ParsedSpec: Sendable {
    struct Info: Sendable {
        var title: String
        var summary: String
        var upstreamName: String?
        var upstreamVersion: String?
        var upstreamSchema: String?
        /// The protocol version the published schema describes (`info.upstream.protocol`).
        var upstreamProtocol: Int?
    }

    /// One protocol version the spec describes (`protocols`).
    struct ProtocolVersion: Sendable {
        var version: Int
        var pointer: JSONPointer
        var summary: String
        /// The OpenClaw release that introduced it.
        var since: String?
    }

    struct Limits: Sendable {
        var maxPayload: Int
        var maxBufferedBytes: Int
        var tickIntervalMs: Int
        var handshakeTimeoutMs: Int
        var rateLimitMessages: Int
        var rateLimitWindowMs: Int
        var rateLimitErrorCode: Named
        var authFailures: Int
        var authFailureWindowMs: Int
        var authLockoutMs: Int
    }

    /// A name used somewhere in the spec, with where it was used.
    struct Named: Sendable, Equatable {
        var name: String
        var pointer: JSONPointer
    }

    struct Frames: Sendable {
        var request: Named
        var response: Named
        var event: Named
        var error: Named
        /// The client's `cancel` frame, when the protocol has one.
        var cancel: Named?
    }

    /// A `details.code` a failed response may carry (`errorDetails`).
    struct ErrorDetail: Sendable {
        var code: String
        var pointer: JSONPointer
        /// The error code of the response that carries it.
        var error: Named
        /// The close code that follows, when the connection is closed.
        var closeCode: Int?
        var summary: String
    }

    /// An event only connections that asked for it receive (`events.<name>.subscription`).
    struct Subscription: Sendable {
        var pointer: JSONPointer
        var subscribe: Named
        var unsubscribe: Named
        /// The payload property a subscription is keyed by, or nil for all-or-nothing.
        var key: String?
    }

    /// One step of an event-order rule: an event matching some payload values, or the response
    /// to a method.
    enum OrderStep: Sendable {
        case event(Named, match: [(pointer: String, value: JSONTree)], at: JSONPointer)
        case response(Named)
    }

    /// Frames about one run that must arrive in this order (`eventOrder`).
    struct OrderRule: Sendable {
        var name: String
        var pointer: JSONPointer
        var summary: String
        /// The payload property (and request param) that ties the frames to one run.
        var correlate: String
        var steps: [OrderStep]
    }

    struct ErrorCode: Sendable {
        var code: String
        var retryable: Bool
        var summary: String
    }

    struct CloseCode: Sendable {
        var code: Int
        var name: String
        var summary: String
    }

    struct Scope: Sendable {
        var name: String
        var summary: String
    }

    struct Example: Sendable {
        var name: String?
        var pointer: JSONPointer
        var params: JSONTree
        var result: JSONTree
        /// Server state the example needs that a client cannot create through the protocol.
        var dependsOn: String?
        /// The protocol versions it applies to; nil: every version the method exists in.
        var protocols: [Int]?
    }

    struct InvalidExample: Sendable {
        var name: String?
        var pointer: JSONPointer
        var params: JSONTree
        var error: Named
        /// Members the error's `details` must have when the response carries `details`
        /// (`reason`, `path`, …); empty when the spec defines none.
        var details: [String: JSONTree]
        var protocols: [Int]?
    }

    struct Method: Sendable {
        var name: String
        var pointer: JSONPointer
        var summary: String
        var description: String?
        var scope: Named?
        var params: Named
        var result: Named
        var emits: [Named]
        var errors: [Named]
        var examples: [Example]
        var invalid: [InvalidExample]
        var upstreamParams: String?
        var upstreamResult: String?
        var deviation: String?
        var since: String?
        var protocolRule: ProtocolRule?
    }

    struct Event: Sendable {
        var name: String
        var pointer: JSONPointer
        var summary: String
        var payload: Named
        var sequenced: Bool
        var examples: [(pointer: JSONPointer, payload: JSONTree)]
        var upstream: String?
        var deviation: String?
        var since: String?
        var protocolRule: ProtocolRule?
        var subscription: Subscription?
    }

    var file: String
    var info: Info
    /// Sorted by version.
    var protocols: [ProtocolVersion]
    var limits: Limits
    var frames: Frames
    var errorDetails: [ErrorDetail]
    var eventOrder: [OrderRule]
    var scopes: [Scope]
    var errors: [ErrorCode]
    var closeCodes: [CloseCode]
    var methods: [Method]
    var events: [Event]
    /// Definitions sorted by name.
    var definitions: [(name: String, schema: SchemaNode)]
}

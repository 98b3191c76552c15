/// The language-neutral intermediate representation every renderer reads.
///
/// Names are already chosen (types in UpperCamelCase, properties keep their JSON names);
/// renderers only map them to their language's spelling.
struct IRSpec: Sendable, Equatable {
    var title: String
    var summary: String
    var upstream: String?
    /// The versions the spec describes, ascending (never empty).
    var protocols: [IRProtocolVersion]
    /// The version the published upstream schema describes, when the spec says.
    var upstreamProtocol: Int?
    var limits: IRLimits
    var frames: IRFrames
    /// `details.code` values failed responses carry, sorted by code.
    var errorDetails: [IRErrorDetail]
    var eventOrder: [IREventOrderRule]
    var scopes: [IRScope]
    var errors: [IRErrorCode]
    var closeCodes: [IRCloseCode]
    /// Top-level named types, sorted by name.
    var types: [IRTypeDeclaration]
    var methods: [IRMethod]
    var events: [IREvent]
    /// Validation schemas by definition (JSON) name, sorted by name.
    var schemas: [IRNamedSchema]

    /// The newest version: what a client offering every version gets.
    var newestProtocol: Int { protocols.last?.version ?? 1 }
    var allProtocols: [Int] { protocols.map(\.version) }
}

struct IRProtocolVersion: Sendable, Equatable {
    var version: Int
    var summary: String
    var since: String?
}

struct IRErrorDetail: Sendable, Equatable {
    var code: String
    var error: String
    var closeCode: Int?
    var summary: String
}

/// Frames about one run (tied together by `correlate`) that arrive in the order of `steps`.
struct IREventOrderRule: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        /// An event whose payload has these values at these JSON pointers (values as compact JSON).
        case event(String, match: [IRMatch])
        /// The response to a request for this method about the run.
        case response(String)
    }

    var name: String
    var summary: String
    var correlate: String
    var steps: [Step]
}

struct IRMatch: Sendable, Equatable {
    var pointer: String
    /// Compact JSON.
    var value: String
}

struct IREventSubscription: Sendable, Equatable {
    var subscribe: String
    var unsubscribe: String
    var key: String?
}

struct IRLimits: Sendable, Equatable {
    var maxPayload: Int
    var maxBufferedBytes: Int
    var tickIntervalMs: Int
    var handshakeTimeoutMs: Int
    var rateLimitMessages: Int
    var rateLimitWindowMs: Int
    var rateLimitErrorCode: String
    var authFailures: Int
    var authFailureWindowMs: Int
    var authLockoutMs: Int
}

/// Type names of the four envelopes.
struct IRFrames: Sendable, Equatable {
    var request: String
    var response: String
    var event: String
    var error: String
    /// The client's cancel frame, when the protocol has one.
    var cancel: String?
}

struct IRScope: Sendable, Equatable {
    var name: String
    var summary: String
}

struct IRErrorCode: Sendable, Equatable {
    var code: String
    var retryable: Bool
    var summary: String
}

struct IRCloseCode: Sendable, Equatable {
    var code: Int
    var name: String
    var summary: String
}

struct IRMethod: Sendable, Equatable {
    struct Example: Sendable, Equatable {
        var name: String?
        /// Compact JSON, sorted keys.
        var params: String
        var result: String
        /// Server state the example's success needs that a client cannot create through the
        /// protocol (an agent, a model in the catalog); nil when any conforming gateway succeeds.
        var dependsOn: String?
        /// The protocol versions the example applies to.
        var protocols: [Int]
    }

    struct InvalidExample: Sendable, Equatable {
        var name: String?
        var params: String
        var error: String
        /// What the error's `details` must hold when the response carries `details`
        /// (`/reason`, `/path`, …), sorted by pointer.
        var details: [IRMatch]
        var protocols: [Int]
    }

    var name: String
    var summary: String
    var description: String?
    /// nil: anyone may call it.
    var scope: String?
    var paramsType: String
    var resultType: String
    var paramsSchema: String
    var resultSchema: String
    var emits: [String]
    var errors: [String]
    var examples: [Example]
    var invalid: [InvalidExample]
    var deviation: String?
    /// The OpenClaw release that introduced it, when newer than the reference schema.
    var since: String?
    /// The protocol versions it exists in.
    var protocols: [Int]
}

struct IREvent: Sendable, Equatable {
    var name: String
    var summary: String
    var payloadType: String
    var payloadSchema: String
    var sequenced: Bool
    var examples: [String]
    var deviation: String?
    var since: String?
    var protocols: [Int]
    /// Only connections that subscribed receive it.
    var subscription: IREventSubscription?
}

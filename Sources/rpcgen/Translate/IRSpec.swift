/// The language-neutral intermediate representation every renderer reads.
///
/// Names are already chosen (types in UpperCamelCase, properties keep their JSON names);
/// renderers only map them to their language's spelling.
struct IRSpec: Sendable, Equatable {
    var title: String
    var summary: String
    var upstream: String?
    var protocolVersion: Int
    var limits: IRLimits
    var frames: IRFrames
    var scopes: [IRScope]
    var errors: [IRErrorCode]
    var closeCodes: [IRCloseCode]
    /// Top-level named types, sorted by name.
    var types: [IRTypeDeclaration]
    var methods: [IRMethod]
    var events: [IREvent]
    /// Validation schemas by definition (JSON) name, sorted by name.
    var schemas: [IRNamedSchema]
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
    }

    struct InvalidExample: Sendable, Equatable {
        var name: String?
        var params: String
        var error: String
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
}

struct IREvent: Sendable, Equatable {
    var name: String
    var summary: String
    var payloadType: String
    var payloadSchema: String
    var sequenced: Bool
    var examples: [String]
    var deviation: String?
}

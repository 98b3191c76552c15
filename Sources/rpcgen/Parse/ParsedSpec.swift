/// The spec as read from disk: structure checked, references not yet resolved.
struct ParsedSpec: Sendable {
    struct Info: Sendable {
        var title: String
        var summary: String
        var upstreamName: String?
        var upstreamVersion: String?
        var upstreamSchema: String?
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
    }

    struct InvalidExample: Sendable {
        var name: String?
        var pointer: JSONPointer
        var params: JSONTree
        var error: Named
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
    }

    var file: String
    var info: Info
    var protocolVersion: Int
    var limits: Limits
    var frames: Frames
    var scopes: [Scope]
    var errors: [ErrorCode]
    var closeCodes: [CloseCode]
    var methods: [Method]
    var events: [Event]
    /// Definitions sorted by name.
    var definitions: [(name: String, schema: SchemaNode)]
}

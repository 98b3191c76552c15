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

/// How a credential is wrong.
public enum ConformanceCredentialFault: String, Sendable, Equatable {
    /// `connect` carries no token.
    case missing
    /// `connect` carries a token that is not the gateway's.
    case wrong
}

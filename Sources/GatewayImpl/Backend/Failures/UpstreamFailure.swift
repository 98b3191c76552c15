/// What a hosted provider said when it refused or failed a request: the HTTP status (nil when
/// the failure arrived as an event inside a stream that had started with 200), the provider's
/// error type or code (`rate_limit_error`, `overloaded_error`, `invalid_api_key`, …), its
/// message with every secret scrubbed, and when it asked to be retried.
public struct UpstreamFailure: Sendable, Equatable {
    /// The provider's configured name, e.g. `openai` or `vllm`.
    public var provider: String
    public var status: Int?
    public var type: String?
    /// The provider's own words, scrubbed of keys and `Authorization` values, at most 500 characters.
    public var detail: String
    /// `Retry-After` (or `retry-after-ms`) in seconds as sent, unbounded: ``RetryPolicy`` decides
    /// what to do with it; nothing converts it to a fixed-width integer.
    public var retryAfterSeconds: Double?
    /// `x-should-retry` when the provider sent it (OpenAI and Anthropic do).
    public var shouldRetry: Bool?

    public init(
        provider: String, status: Int? = nil, type: String? = nil, detail: String, retryAfterSeconds: Double? = nil,
        shouldRetry: Bool? = nil
    ) {
        self.provider = provider
        self.status = status
        self.type = type
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
        self.shouldRetry = shouldRetry
    }

    /// A sentence for the person using the gateway.
    public var message: String {
        let kind = type.map { " (\($0))" } ?? ""
        let said = detail.isEmpty ? "" : ": \(detail)"
        if let status {
            return "The model provider \"\(provider)\" answered with HTTP status \(status)\(kind)\(said)"
        }
        return "The model provider \"\(provider)\" reported an error during the reply\(kind)\(said)"
    }

    /// 401 or 403, or an authentication/permission error type: the key is wrong or lacks access.
    public var rejectsCredentials: Bool {
        status == 401 || status == 403 || type == "authentication_error" || type == "permission_error"
            || type == "invalid_api_key"
    }

    /// Worth retrying on the same provider: what the SDKs retry, or what the provider marks so.
    public var isRetryable: Bool {
        if let shouldRetry { return shouldRetry }
        if let status { return Self.isRetryableStatus(status) }
        // Inside a stream there is no status; the type says whether it was transient.
        return ["overloaded_error", "rate_limit_error", "api_error", "timeout_error", "server_error"].contains(type ?? "")
    }

    /// 408, 409, 429 and every 5xx (Anthropic's 529 "overloaded" included), as the SDKs retry.
    static func isRetryableStatus(_ status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500...599).contains(status)
    }
}

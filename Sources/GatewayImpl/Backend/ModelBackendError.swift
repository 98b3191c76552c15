/// Every way a model backend call can fail, as a value the gateway maps to its wire errors.
/// Associated texts never contain credentials or request content beyond a model name: what a
/// provider says is scrubbed of keys and `Authorization` values before it is stored here.
public enum ModelBackendError: Error, Equatable, Sendable {
    /// No connection could be made (refused, unresolvable host, connect timeout, bad address).
    case unreachable(String)
    /// The backend does not have this model.
    case modelNotFound(String)
    /// The backend answered with an error status and this explanation (Ollama's `error` text).
    case httpStatus(Int, String)
    /// The backend answered with something that is not its protocol.
    case malformedResponse(String)
    /// The reply stream ended before its final `done` object.
    case streamEndedEarly
    /// The first piece of the reply did not arrive within the request's `firstTokenTimeout`.
    case firstTokenTimeout
    /// The reply had started, then nothing arrived for the request's `idleTimeout`.
    case idleTimeout
    /// A hosted provider (OpenAI, Anthropic, an OpenAI-compatible server) refused or failed the
    /// request, before or during the stream, with its own status, type and (scrubbed) message.
    case upstream(UpstreamFailure)
    /// The provider needs an API key and none is configured; `variable` is where it is read from.
    case missingAPIKey(provider: String, variable: String?)
    /// A `provider/model` reference names no configured provider (never raised for bare names,
    /// which are Ollama models).
    case unknownProvider(String)
    /// The reply grew past the provider's `maxReplyBytes`: an upstream that never ends.
    case replyTooLarge(limit: Int)
    /// The primary model and every fallback failed before their first token; in trial order.
    case allCandidatesFailed([CandidateFailure])

    /// A clear sentence for the person using the gateway.
    public var message: String {
        switch self {
        case .unreachable(let detail):
            "The model server cannot be reached: \(detail)."
        case .modelNotFound(let name):
            "The model \"\(name)\" is not available on the model server; pull it first."
        case .httpStatus(let status, let text):
            text.isEmpty
                ? "The model server answered with HTTP status \(status)."
                : "The model server answered with HTTP status \(status): \(text)"
        case .malformedResponse(let detail):
            "The model server sent a reply that could not be understood: \(detail)."
        case .streamEndedEarly:
            "The model server closed the reply before it was complete."
        case .firstTokenTimeout:
            "The model did not start replying in time."
        case .idleTimeout:
            "The model stopped sending its reply before it was complete."
        case .upstream(let failure):
            failure.message
        case .missingAPIKey(let provider, let variable):
            variable.map { "The model provider \"\(provider)\" has no API key; set \($0)." }
                ?? "The model provider \"\(provider)\" has no API key."
        case .unknownProvider(let name):
            "No model provider is named \"\(name)\"; add it under \"providers\" in the config file."
        case .replyTooLarge(let limit):
            "The model's reply grew past \(limit) bytes and was stopped."
        case .allCandidatesFailed(let failures):
            "Every configured model failed. " + failures.map { "\($0.reference): \($0.error.message)" }.joined(separator: " ")
        }
    }

    /// Whether trying the same provider again may help: connection failures, a stream cut
    /// before anything arrived, and the statuses the OpenAI and Anthropic SDKs retry (408, 409,
    /// 429, 5xx including Anthropic's 529), unless the provider said `x-should-retry: false`.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .streamEndedEarly: true
        case .httpStatus(let status, _): UpstreamFailure.isRetryableStatus(status)
        case .upstream(let failure): failure.isRetryable
        default: false
        }
    }
}

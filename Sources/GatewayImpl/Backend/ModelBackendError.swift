/// Every way a model backend call can fail, as a value the gateway maps to its wire errors.
/// Associated texts never contain credentials or request content beyond a model name.
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
        }
    }
}

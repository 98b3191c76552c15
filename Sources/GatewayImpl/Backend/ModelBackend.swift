/// A source of model replies: Ollama today, other providers behind the same shape later.
/// Every call either returns or throws a ``ModelBackendError`` (or `CancellationError`);
/// none waits without a bound.
public protocol ModelBackend: Sendable {
    /// Streams the reply; `onDelta` gets each text increment in order. Cancelling the calling
    /// task cancels the HTTP request at once (the server sees the connection close) and
    /// throws `CancellationError`.
    func chat(
        _ request: ModelChatRequest,
        onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion

    /// The models the backend has, without context lengths.
    func listModels() async throws -> [ModelSummary]

    /// One model in detail, including its context length.
    func showModel(_ name: String) async throws -> ModelSummary

    /// The backend's version string.
    func version() async throws -> String

    /// Releases the backend's connections; call once, when the gateway stops.
    func shutdown() async throws
}

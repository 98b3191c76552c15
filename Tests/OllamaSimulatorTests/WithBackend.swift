import GatewayImpl

/// Runs `body` with an ``OllamaBackend`` for a simulator's port and always shuts the backend
/// down afterwards, since its HTTP client must not outlive the test.
@discardableResult
func withBackend<Result>(
    port: Int,
    configuration: OllamaBackendConfiguration = OllamaBackendConfiguration(),
    _ body: (OllamaBackend) async throws -> Result
) async throws -> Result {
    let backend = try OllamaBackend(baseURL: "http://127.0.0.1:\(port)", configuration: configuration)
    do {
        let result = try await body(backend)
        try await backend.shutdown()
        return result
    } catch {
        try await backend.shutdown()
        throw error
    }
}

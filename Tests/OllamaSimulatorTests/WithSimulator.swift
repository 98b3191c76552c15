import OllamaSimulator

/// Runs a fresh in-process simulator on a free loopback port for the duration of `body`.
@discardableResult
func withSimulator<Result>(
    _ behaviour: SimulatorBehaviour = SimulatorBehaviour(),
    maxRequestBodyBytes: Int = 8 * 1024 * 1024,
    _ body: (_ simulator: OllamaSimulator, _ port: Int) async throws -> Result
) async throws -> Result {
    let simulator = OllamaSimulator(behaviour: behaviour, maxRequestBodyBytes: maxRequestBodyBytes)
    return try await simulator.withRunning { port in
        try await body(simulator, port)
    }
}

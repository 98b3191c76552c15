import Foundation
import GatewayImpl
import KubeclawServer
import OllamaSimulator
import Runtime

/// A real gateway on loopback, assembled as `kubeclaw serve` assembles it, over the in-process
/// Ollama simulator and a SQLite store in a temporary directory.
struct LiveGateway: Sendable {
    static let token = "swift-client-\(UUID().uuidString.prefix(8))"
    /// The simulator's reply: 60 words, streamed at a realistic pace.
    static let reply = (0..<60).map { "word\($0)" }.joined(separator: " ")

    let port: Int
    let simulator: OllamaSimulator

    var url: URL { URL(string: "ws://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/") }
}

/// Runs `body` against a gateway on `port` (0: a free one) with `simulator` behind it, then
/// shuts the gateway down gracefully (the `shutdown` event, close 1012), as SIGTERM does.
func withLiveGateway<Result: Sendable>(
    port: Int = 0,
    simulator: OllamaSimulator,
    simulatorPort: Int,
    dataDirectory: String,
    _ body: (LiveGateway) async throws -> Result
) async throws -> Result {
    var runtime = RuntimeConfiguration()
    runtime.port = port
    runtime.httpPort = 0
    runtime.shutdownGracePeriod = .seconds(2)
    runtime.auth = AuthConfiguration(mode: .token, secret: LiveGateway.token)
    var configuration = GatewayAssembly.Configuration(
        runtime: runtime, dataDirectory: dataDirectory, ollamaURL: "http://127.0.0.1:\(simulatorPort)")
    configuration.logLevel = .warning
    let assembly = try await GatewayAssembly(configuration)
    return try await assembly.withRunning { addresses in
        try await body(LiveGateway(port: addresses.webSocketPort, simulator: simulator))
    }
}

/// A simulator streaming ``LiveGateway/reply`` at `tokensPerSecond` and a gateway in front of it.
func withLiveGateway<Result: Sendable>(
    tokensPerSecond: Double = 40,
    _ body: (LiveGateway) async throws -> Result
) async throws -> Result {
    let simulator = OllamaSimulator(behaviour: SimulatorBehaviour(reply: .text(LiveGateway.reply), tokensPerSecond: tokensPerSecond))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-swift-client-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await simulator.withRunning { simulatorPort in
        try await withLiveGateway(simulator: simulator, simulatorPort: simulatorPort, dataDirectory: directory, body)
    }
}

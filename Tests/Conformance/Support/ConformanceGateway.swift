import Foundation
import GatewayImpl
import KubeclawServer
import OllamaSimulator
import Runtime
import Testing

/// Our gateway on a free loopback port, assembled as `kubeclaw serve` does, in front of an
/// in-process Ollama simulator that streams at a human pace (so a run can be aborted mid-stream).
struct ConformanceGateway: Sendable {
    static let token = "conformance-token-\(UUID().uuidString.prefix(8))"

    /// What the simulated model answers: long enough to stream for about a second.
    static let reply = SimulatorReply.text(
        (1...40).map { "Word\($0)" }.joined(separator: " ") + ". That is all for this conformance check.")

    let url: URL
    let token: String
    let simulator: OllamaSimulator
}

/// Runs `body` against a fresh gateway (token auth, a temporary data directory), then shuts it
/// down as SIGTERM would.
///
/// The write budget is raised from the spec's 20 per minute: a full run sends about 45 write
/// requests, and at the default budget the runner spends a minute waiting out `retryAfterMs`
/// (which it does correctly against `kubeclaw serve`; see docs/conformance.md).
func withConformanceGateway(
    tokensPerSecond: Double = 40,
    _ body: (ConformanceGateway) async throws -> Void
) async throws {
    let simulator = OllamaSimulator(behaviour: SimulatorBehaviour(reply: ConformanceGateway.reply, tokensPerSecond: tokensPerSecond))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-conformance-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await simulator.withRunning { simulatorPort in
        var runtime = RuntimeConfiguration()
        runtime.port = 0
        runtime.httpPort = 0
        runtime.shutdownGracePeriod = .seconds(2)
        // A tick every 5 s (hello-ok says so): the tick case waits at most twice that for one.
        runtime.tickInterval = .seconds(5)
        runtime.auth = AuthConfiguration(mode: .token, secret: ConformanceGateway.token)
        runtime.writeRateLimit = .init(messages: 1000, window: .seconds(60))
        var configuration = GatewayAssembly.Configuration(
            runtime: runtime, dataDirectory: directory, ollamaURL: "http://127.0.0.1:\(simulatorPort)")
        configuration.logLevel = .warning
        let assembly = try await GatewayAssembly(configuration)
        try await assembly.withRunning { addresses in
            let url = try #require(URL(string: "ws://127.0.0.1:\(addresses.webSocketPort)/"))
            try await body(ConformanceGateway(url: url, token: ConformanceGateway.token, simulator: simulator))
        }
    }
}

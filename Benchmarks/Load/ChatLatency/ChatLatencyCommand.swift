import ArgumentParser
import Foundation
import KubeclawServer
import Logging
import OllamaSimulator
import Runtime

/// `chat-latency`: the gateway's added latency per delta. Simulator, gateway and clients run
/// in this one process on loopback, so the simulator's write times (stamped into each piece)
/// and the clients' read times come from the same clock.
@main
struct ChatLatencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-latency",
        abstract: "Latency from the model's write of a piece to a client's read of its delta, through the gateway.",
        discussion: "Build in release: swift run -c release chat-latency")

    @Option(help: "Chats streaming at once, one session each.")
    var streams = 100

    @Option(help: "WebSocket clients sending them (every client receives every chat event, as in OpenClaw).")
    var connections = 10

    @Option(help: "Pieces per reply.")
    var pieces = 50

    @Option(help: "Pieces per second for the per-delta measurement: slow enough that every piece gets its own delta (the gateway sends at most one per 150 ms).")
    var slowRate = 5.0

    @Option(help: "Pieces per second for the coalescing measurement.")
    var fastRate = 50.0

    @Flag(help: "Start all chats at the same instant, so their pieces are written in bursts (default: starts spread over one piece interval).")
    var alignedStarts = false

    @Flag(help: "Skip the measurement without the gateway (simulator straight to an HTTP client).")
    var skipBaseline = false

    func validate() throws {
        guard streams > 0, connections > 0, connections <= streams, pieces > 0 else {
            throw ValidationError("streams, connections and pieces must be positive, connections at most streams")
        }
        guard slowRate > 0, fastRate > 0 else { throw ValidationError("rates must be positive") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let simulator = OllamaSimulator()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chat-latency-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = UUID().uuidString

        try await simulator.withRunning { simulatorPort in
            var runtime = RuntimeConfiguration()
            runtime.port = 0
            runtime.httpPort = 0
            runtime.auth = AuthConfiguration(mode: .token, secret: token)
            runtime.writeRateLimit.messages = 0
            runtime.readRateLimit.messages = 0
            runtime.maxConcurrentRequestsPerConnection = max(32, streams)
            var configuration = GatewayAssembly.Configuration(
                runtime: runtime, dataDirectory: directory, ollamaURL: "http://127.0.0.1:\(simulatorPort)")
            // Every benchmark client is on loopback: one identity for the per-client run limit.
            configuration.maxConcurrentRunsPerClient = 0
            let assembly = try await GatewayAssembly(configuration)
            try await assembly.withRunning { addresses in
                let url = URL(string: "ws://127.0.0.1:\(addresses.webSocketPort)/")!
                try await measure(simulator: simulator, simulatorPort: simulatorPort, url: url, token: token)
            }
        }
    }

    private func measure(simulator: OllamaSimulator, simulatorPort: Int, url: URL, token: String) async throws {
        print("chat-latency: \(streams) streams from \(connections) clients, \(pieces) pieces each, starts \(alignedStarts ? "aligned" : "spread"); simulator, gateway and clients in one process on loopback")
        print("latency of a piece = client's read of the first delta carrying it - simulator's write of it\n")

        // Warm-up: connections to the simulator, SQLite pages, first-use costs.
        _ = try await scenario("warmup", url: url, token: token, simulator: simulator, rate: fastRate, pieces: 5)

        let slow = try await scenario("slow", url: url, token: token, simulator: simulator, rate: slowRate, pieces: pieces)
        report("through the gateway, \(Self.rate(slowRate)) pieces/s \(Self.coalescing(slowRate))", slow)
        let fast = try await scenario("fast", url: url, token: token, simulator: simulator, rate: fastRate, pieces: pieces)
        report("through the gateway, \(Self.rate(fastRate)) pieces/s \(Self.coalescing(fastRate))", fast)

        if !skipBaseline {
            for rate in [slowRate, fastRate] {
                simulator.behaviour = SimulatorBehaviour(reply: .timestamps(count: pieces), tokensPerSecond: rate)
                let samples = try await SimulatorBaseline(
                    port: simulatorPort, streams: streams, pieces: pieces, tokensPerSecond: rate, alignedStarts: alignedStarts
                ).run()
                print("baseline, no gateway (simulator → HTTP client), \(Self.rate(rate)) pieces/s")
                print("  \(samples.summary)\n")
            }
        }
    }

    private func scenario(
        _ label: String, url: URL, token: String, simulator: OllamaSimulator, rate: Double, pieces: Int
    ) async throws -> (outcome: GatewayScenario.Outcome, peakStreaming: Int) {
        simulator.behaviour = SimulatorBehaviour(reply: .timestamps(count: pieces), tokensPerSecond: rate)
        // How many chats the simulator streams at once, sampled: proves the load is concurrent.
        let peak = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, simulator.stats().currentlyStreaming)
                try? await Task.sleep(for: .milliseconds(20))
            }
            return peak
        }
        let outcome = try await GatewayScenario(
            url: url, token: token, streams: streams, connections: connections, pieces: pieces, tokensPerSecond: rate,
            alignedStarts: alignedStarts, label: label
        ).run()
        peak.cancel()
        return (outcome, await peak.value)
    }

    private func report(_ title: String, _ result: (outcome: GatewayScenario.Outcome, peakStreaming: Int)) {
        let outcome = result.outcome
        print(title)
        print("  \(outcome.latencies.summary)")
        let histogram = outcome.piecesPerDelta.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }.joined(separator: ", ")
        print("  runs completed \(outcome.completedRuns)/\(streams), peak streaming at the simulator \(result.peakStreaming), deltas \(outcome.deltas) (pieces per delta: \(histogram))")
        for failure in outcome.failures.prefix(5) { print("  failure: \(failure)") }
        print()
    }

    /// Whether pieces at this rate come slower than the gateway's delta interval (150 ms).
    private static func coalescing(_ rate: Double) -> String {
        1 / rate >= 0.15 ? "(slower than 1 per 150 ms: each piece its own delta)" : "(faster than 1 per 150 ms: coalesced)"
    }

    private static func rate(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}

import NIOCore

/// `handshake`: opens 5,000 connections through the whole OpenClaw handshake (TCP, WebSocket
/// upgrade, `connect.challenge`, `connect`, `hello-ok`), 100 at a time, and times the lot.
struct HandshakeScenario {
    struct Outcome: Sendable {
        var seconds: Double
        var latencies: LatencyRecorder
    }

    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        environment.log("handshake: \(settings.handshakes) handshakes, \(settings.handshakeConcurrency) at a time")
        let floor = try await environment.withFloor { try await measure($0, in: environment) }
        let system = try await environment.withSystemUnderTest { try await measure($0, in: environment) }
        var latency: [String: LatencySummary] = [:]
        latency[environment.systemName] = system.latencies.summary
        latency["floor"] = floor?.latencies.summary
        return [Figure(
            key: "handshake.seconds", scenario: "handshake",
            title: "\(Format.count(settings.handshakes)) handshakes, \(settings.handshakeConcurrency) at a time",
            unit: "s", better: .lower, value: system.seconds, floor: floor?.seconds, latency: latency, goal: "≤ 1 s for 5,000")]
    }

    private func measure(_ system: RunningSystem, in environment: BenchEnvironment) async throws -> Outcome {
        let settings = environment.settings
        let start = NIODeadline.now()
        let (connections, latencies, failures) = try await environment.dialer(for: system).open(
            count: settings.handshakes, concurrency: settings.handshakeConcurrency) { _ in IdleBehaviour() }
        let seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        await BenchEnvironment.close(connections)
        guard failures.isEmpty else {
            throw Launcher.Missing(description: "\(failures.count) handshakes with \(system.name) failed: \(failures.prefix(3).joined(separator: "; "))")
        }
        environment.log("handshake: \(system.name): \(Format.value(seconds)) s, per handshake \(latencies.summary?.text ?? "-")")
        return Outcome(seconds: seconds, latencies: latencies)
    }
}

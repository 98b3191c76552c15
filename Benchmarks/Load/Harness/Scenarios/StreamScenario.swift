/// `stream`: 1,000 concurrent chats over `ollama-sim` at 50 pieces/s, one session each, sent and
/// watched by 10 connections (every operator connection receives every chat event, as in
/// OpenClaw). Latency per delta from the model's write of its newest piece to a watcher's read,
/// and frames/s delivered; the floor relays the same delta rate through the bare echo server.
struct StreamScenario {
    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        environment.log("stream: \(settings.streams) chats from \(settings.streamConnections) connections, \(settings.pieces) pieces at \(settings.piecesPerSecond)/s")
        let load = ChatLoad(
            watchers: settings.streamConnections, runs: settings.streams, sessionKey: { "agent:main:bench-stream-\($0)" },
            spread: settings.streamSpread, watchersSend: true)
        let system = try await environment.withSystemUnderTest { try await load.run(on: $0, in: environment) }
        environment.log("stream: \(environment.systemName): \(system.completedRuns)/\(system.runs) runs, \(Format.value(system.framesPerSecond)) frames/s, per delta \(system.watched.latencies.summary?.text ?? "-")")
        // The floor relays as many deltas per second as one gateway watcher received.
        let rate = max(system.deltasPerSecondPerWatcher, 1)
        let floor = try await environment.withFloor(path: "/fanout") { floor in
            try await RelayFloor(
                watchers: settings.streamConnections, rate: rate, seconds: min(max(system.window, 2), 30), payloadBytes: 600
            ).run(on: floor, in: environment)
        }
        if let floor {
            environment.log("stream: floor relaying \(Format.value(rate)) messages/s: \(Format.value(floor.framesPerSecond)) frames/s, \(floor.watched.latencies.summary?.text ?? "-")")
        }
        let replicated = try await ReplicaComparison.measure(load, in: environment)
        var latency: [String: LatencySummary] = [:]
        latency[environment.systemName] = system.watched.latencies.summary
        latency["floor"] = floor?.watched.latencies.summary
        let title = "\(Format.count(settings.streams)) chats at \(Format.rate(settings.piecesPerSecond)) pieces/s, \(settings.streamConnections) watchers"
        let note = system.problems.isEmpty ? nil : system.problems.joined(separator: "; ")
        return [
            Figure(
                key: "stream.p50Milliseconds", scenario: "stream", title: "latency per delta p50, \(title)", unit: "ms", better: .lower,
                value: system.watched.latencies.summary?.p50, floor: floor?.watched.latencies.summary?.p50, latency: latency, note: note),
            Figure(
                key: "stream.p99Milliseconds", scenario: "stream", title: "latency per delta p99, \(title)", unit: "ms", better: .lower,
                value: system.watched.latencies.summary?.p99, floor: floor?.watched.latencies.summary?.p99,
                goal: "p99 added latency ≤ 1 ms at 1,000 streams"),
            Figure(
                key: "stream.framesPerSecond", scenario: "stream", title: "frames/s delivered, \(title)", unit: "frames/s", better: .higher,
                value: system.framesPerSecond, floor: floor?.framesPerSecond,
                note: "completed runs \(system.completedRuns)/\(system.runs); the floor is offered the same delta rate"),
        ] + ReplicaComparison.figures(replicated, scenario: "stream", title: title, floor: floor, in: environment)
    }
}

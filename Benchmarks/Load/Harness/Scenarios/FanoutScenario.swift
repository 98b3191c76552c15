/// `fanout`: one session watched by 500 connections, 32 chats streaming in it at once (so the
/// gateway is offered more events than it can deliver); frames/s delivered to the watchers.
/// The floor: the echo server broadcasting to as many connections, flat out.
struct FanoutScenario {
    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        environment.log("fanout: \(settings.fanoutWatchers) watchers, \(settings.fanoutChats) chats in one session")
        let session = "agent:main:bench-fanout"
        let load = ChatLoad(watchers: settings.fanoutWatchers, runs: settings.fanoutChats, sessionKey: { _ in session }, spread: 0, watchersSend: false)
        let system = try await environment.withSystemUnderTest { try await load.run(on: $0, in: environment) }
        environment.log("fanout: \(environment.systemName): \(Format.value(system.framesPerSecond)) frames/s (\(system.completedRuns)/\(system.runs) runs), per delta \(system.watched.latencies.summary?.text ?? "-")")
        let floor = try await environment.withFloor(path: "/fanout") { floor in
            try await RelayFloor(watchers: settings.fanoutWatchers, rate: nil, seconds: settings.smoke ? 2 : 5, payloadBytes: 600)
                .run(on: floor, in: environment)
        }
        if let floor {
            environment.log("fanout: floor flat out: \(Format.value(floor.framesPerSecond)) frames/s")
        }
        var latency: [String: LatencySummary] = [:]
        latency[environment.systemName] = system.watched.latencies.summary
        // The floor runs flat out with 64 messages in flight: its latency is queueing, not a floor.
        var notes = system.problems
        notes.append("offered \(Format.value(system.deltasPerSecondPerWatcher)) deltas/s per watcher; the floor runs flat out")
        return [Figure(
            key: "fanout.framesPerSecond", scenario: "fanout",
            title: "frames/s delivered, one session, \(settings.fanoutWatchers) watchers, \(settings.fanoutChats) chats",
            unit: "frames/s", better: .higher, value: system.framesPerSecond, floor: floor?.framesPerSecond, latency: latency,
            goal: "≥ 200,000 frames/s on 2 cores", note: notes.joined(separator: "; "))]
    }
}

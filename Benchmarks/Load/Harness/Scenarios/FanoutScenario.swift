/// `fanout`: 500 watching connections, 32 chats streaming at once (so the gateway is offered more
/// events than it can deliver); frames/s delivered to the watchers. Each chat has a session of
/// its own: a session streams one run at a time (as in OpenClaw; a second `chat.send` gets a
/// typed error), and every operator connection receives every chat event whichever session it
/// is in, so the watchers see the same stream as if all 32 were in one.
/// The floor: the echo server broadcasting to as many connections, flat out.
struct FanoutScenario {
    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        environment.log("fanout: \(settings.fanoutWatchers) watchers, \(settings.fanoutChats) chats at once")
        let load = ChatLoad(
            watchers: settings.fanoutWatchers, runs: settings.fanoutChats, sessionKey: { "agent:main:bench-fanout-\($0)" }, spread: 0,
            watchersSend: false)
        let system = try await environment.withSystemUnderTest { try await load.run(on: $0, in: environment) }
        environment.log("fanout: \(environment.systemName): \(Format.value(system.framesPerSecond)) frames/s (\(system.completedRuns)/\(system.runs) runs), per delta \(system.watched.latencies.summary?.text ?? "-")")
        let replicated = try await ReplicaComparison.measure(load, in: environment)
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
            title: "frames/s delivered, \(settings.fanoutWatchers) watchers, \(settings.fanoutChats) chats at once",
            unit: "frames/s", better: .higher, value: system.framesPerSecond, floor: floor?.framesPerSecond, latency: latency,
            goal: "≥ 200,000 frames/s on 2 cores", note: notes.joined(separator: "; "))]
            + ReplicaComparison.figures(
                replicated, scenario: "fanout", title: "\(settings.fanoutWatchers) watchers, \(settings.fanoutChats) chats at once",
                floor: floor, in: environment)
    }
}

/// `idle`: 10,000 authenticated connections that send nothing; the server's resident memory per
/// connection (`VmRSS` after minus before, from `/proc/PID/status`).
struct IdleScenario {
    struct Outcome: Sendable {
        var kibPerConnection: Double?
        var beforeKiB: Int?
        var afterKiB: Int?
    }

    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let count = environment.settings.idleConnections
        environment.log("idle: \(count) idle connections")
        let floor = try await environment.withFloor { try await measure($0, count: count, in: environment) }
        let system = try await environment.withSystemUnderTest { try await measure($0, count: count, in: environment) }
        let note = system.kibPerConnection == nil ? "no PID for \(environment.systemName): pass --pid to measure its memory" : nil
        return [Figure(
            key: "idle.kibPerConnection", scenario: "idle", title: "RSS per idle authenticated connection, \(Format.count(count)) connections",
            unit: "KiB", better: .lower, value: system.kibPerConnection, floor: floor?.kibPerConnection,
            goal: "≤ 8 KiB at 10,000", note: note)]
    }

    private func measure(_ system: RunningSystem, count: Int, in environment: BenchEnvironment) async throws -> Outcome {
        let before = await system.pid.asyncFlatMap { await ProcessMemory.settledResidentKiB(of: $0) }
        let connections = try await environment.open(count, to: system, concurrency: 100) { _ in IdleBehaviour() }
        // Let the server settle (connection bursts trigger presence/health work), then read.
        try await Task.sleep(for: .seconds(environment.settings.smoke ? 0.5 : 2))
        let after = await system.pid.asyncFlatMap { await ProcessMemory.settledResidentKiB(of: $0) }
        await BenchEnvironment.close(connections)
        var outcome = Outcome(beforeKiB: before, afterKiB: after)
        if let before, let after { outcome.kibPerConnection = Double(after - before) / Double(count) }
        environment.log("idle: \(system.name): RSS \(before.map(String.init) ?? "?") KiB → \(after.map(String.init) ?? "?") KiB, \(outcome.kibPerConnection.map(Format.value) ?? "?") KiB per connection")
        return outcome
    }
}

extension Optional {
    /// `flatMap` with an async transform.
    func asyncFlatMap<Other>(_ transform: (Wrapped) async -> Other?) async -> Other? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}

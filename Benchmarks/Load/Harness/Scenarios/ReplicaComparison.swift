/// `--replicas N`: `stream` and `fanout` run a second time on N gateways sharing one PostgreSQL
/// database, the watchers spread over them, so every event a chat makes on one replica reaches
/// the others through the database (docs/replicas.md). Figures keyed `<scenario>.replicas.*`,
/// beside the single process's and the same floor.
enum ReplicaComparison {
    static func measure(_ load: ChatLoad, in environment: BenchEnvironment) async throws -> ChatLoad.Outcome? {
        let count = environment.settings.replicas
        guard count > 1, environment.external == nil else { return nil }
        environment.log("\(count) replicas on one PostgreSQL database")
        let outcome = try await environment.withReplicas(count) { try await load.run(on: $0, in: environment) }
        environment.log("\(count) replicas: \(outcome.completedRuns)/\(outcome.runs) runs, \(Format.value(outcome.framesPerSecond)) frames/s, per delta \(outcome.watched.latencies.summary?.text ?? "-")")
        return outcome
    }

    static func figures(
        _ outcome: ChatLoad.Outcome?, scenario: String, title: String, floor: ChatLoad.Outcome?, in environment: BenchEnvironment
    ) -> [Figure] {
        guard let outcome else { return [] }
        let across = "\(title), across \(environment.settings.replicas) replicas sharing PostgreSQL"
        var notes = outcome.problems
        notes.append("completed runs \(outcome.completedRuns)/\(outcome.runs)")
        let latency = ["replicas": outcome.watched.latencies.summary].compactMapValues { $0 }
        return [
            Figure(
                key: "\(scenario).replicas.p50Milliseconds", scenario: scenario, title: "latency per delta p50, \(across)", unit: "ms",
                better: .lower, value: outcome.watched.latencies.summary?.p50, floor: floor?.watched.latencies.summary?.p50, latency: latency),
            Figure(
                key: "\(scenario).replicas.p99Milliseconds", scenario: scenario, title: "latency per delta p99, \(across)", unit: "ms",
                better: .lower, value: outcome.watched.latencies.summary?.p99, floor: floor?.watched.latencies.summary?.p99),
            Figure(
                key: "\(scenario).replicas.framesPerSecond", scenario: scenario, title: "frames/s delivered, \(across)", unit: "frames/s",
                better: .higher, value: outcome.framesPerSecond, floor: floor?.framesPerSecond, note: notes.joined(separator: "; ")),
        ]
    }
}

import NIOCore

/// `rpc`: `health` round trips, closed loop, on 16 and 256 connections; round trips per second
/// and latency percentiles, beside the echo floor's round trips of the same request.
struct RPCScenario {
    struct Outcome: Sendable {
        var roundTripsPerSecond: Double
        var result: RPCLoop.Result
    }

    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        var figures: [Figure] = []
        for count in settings.rpcConnections {
            environment.log("rpc: \(count) connections, \(settings.rpcDuration) s closed loop after \(settings.rpcWarmup) s warm-up")
            let floor = try await environment.withFloor { try await measure($0, connections: count, in: environment) }
            let system = try await environment.withSystemUnderTest { try await measure($0, connections: count, in: environment) }
            var latency: [String: LatencySummary] = [:]
            latency[environment.systemName] = system.result.latencies.summary
            latency["floor"] = floor?.result.latencies.summary
            var note: String?
            if system.result.errors > 0 {
                note = "\(system.result.errors) answers were errors (not counted), e.g. \(system.result.firstError ?? "")"
            }
            figures.append(Figure(
                key: "rpc.\(count).roundTripsPerSecond", scenario: "rpc", title: "health round trips/s, \(count) connections, closed loop",
                unit: "round trips/s", better: .higher, value: system.roundTripsPerSecond, floor: floor?.roundTripsPerSecond,
                latency: latency, goal: "≥ 0.40× floor, ≥ 3× a Python gateway", note: note))
        }
        return figures
    }

    private func measure(_ system: RunningSystem, connections count: Int, in environment: BenchEnvironment) async throws -> Outcome {
        let settings = environment.settings
        let connections = try await environment.open(count, to: system) { _ in RPCLoop() }
        let start = NIODeadline.now()
        let recordFrom = start + .milliseconds(Int64(settings.rpcWarmup * 1000))
        let until = recordFrom + .milliseconds(Int64(settings.rpcDuration * 1000))
        for connection in connections {
            connection.run { handler in
                (handler.behaviour as? RPCLoop)?.begin(on: handler, recordFrom: recordFrom, until: until)
            }
        }
        try await Task.sleep(for: .nanoseconds((until - NIODeadline.now()).nanoseconds) + .milliseconds(200))
        var total = RPCLoop.Result()
        for connection in connections {
            let result = try await connection.read { handler -> RPCLoop.Result in
                guard let loop = handler.behaviour as? RPCLoop else { return RPCLoop.Result() }
                loop.end()
                return loop.result
            }
            total.merge(result)
        }
        await BenchEnvironment.close(connections)
        let rate = Double(total.completed) / settings.rpcDuration
        environment.log("rpc: \(system.name) \(count) connections: \(Format.value(rate)) round trips/s, \(total.latencies.summary?.text ?? "no samples")")
        return Outcome(roundTripsPerSecond: rate, result: total)
    }
}

/// `startup`: process start → `/readyz` 200 (store open, listeners up, backend and model
/// checked), the median of several runs; and RSS one second after ready. The floor: start →
/// its "listening" line.
struct StartupScenario {
    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        guard environment.external == nil, let simulatorURL = environment.simulatorURL else {
            environment.log("startup: skipped (a gateway given by --url is already started)")
            return []
        }
        environment.log("startup: \(settings.startupRuns) runs")
        var startTimes: [Double] = [], residents: [Double] = []
        for _ in 0..<settings.startupRuns {
            let (system, started) = try await environment.launcher.startGateway(ollamaURL: simulatorURL)
            startTimes.append(Self.milliseconds(ContinuousClock.now - started))
            try? await Task.sleep(for: .seconds(1))
            if let rss = system.residentKiB() { residents.append(Double(rss) / 1024) }
            await system.stop()
        }
        var floorTimes: [Double] = [], floorResidents: [Double] = []
        if settings.floor {
            for _ in 0..<settings.startupRuns {
                let started = ContinuousClock.now
                let floor = try await environment.launcher.startFloor()
                floorTimes.append(Self.milliseconds(ContinuousClock.now - started))
                try? await Task.sleep(for: .seconds(1))
                if let rss = floor.residentKiB() { floorResidents.append(Double(rss) / 1024) }
                await floor.stop()
            }
        }
        environment.log("startup: kubeclaw \(startTimes.map(Format.ms)) ms to ready, RSS \(residents.map(Format.value)) MiB; floor \(floorTimes.map(Format.ms)) ms")
        return [
            Figure(
                key: "startup.milliseconds", scenario: "startup", title: "start → /readyz 200 (median of \(settings.startupRuns))",
                unit: "ms", better: .lower, value: Self.median(startTimes), floor: Self.median(floorTimes),
                note: "floor: start → listening (it has no readiness checks)"),
            Figure(
                key: "startup.rssMiB", scenario: "startup", title: "RSS 1 s after start, no client", unit: "MiB", better: .lower,
                value: Self.median(residents), floor: Self.median(floorResidents), goal: "≤ 20 MB"),
        ]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[values.count / 2]
    }
}

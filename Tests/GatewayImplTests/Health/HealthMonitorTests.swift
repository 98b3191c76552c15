import Foundation
import GatewayImpl
import GeneratedProtocol
import Testing

/// The cached health summary behind `health`, `hello-ok.snapshot.health` and the `health` event.
@Suite struct HealthMonitorTests {
    @Test("refreshes that overlap share one probe and one health event, as in OpenClaw")
    func overlappingRefreshesAreShared() async throws {
        try await withStore { store in
            let gate = ProbeGate()
            let sink = RecordingEventSink()
            let monitor = HealthMonitor(settings: Self.settings(store), store: store, events: sink) { await gate.probe() }
            let started = CallCounter()
            let timestamps = try await withThrowingTaskGroup(of: Int.self) { group in
                // Ten refreshes at once, as when many clients connect together.
                for _ in 0..<10 {
                    group.addTask {
                        try await monitor.refreshTimestamp(countedIn: started)
                    }
                }
                // Hold the first probe until every caller has joined it: each one is counted on the
                // monitor's actor in the same step as its refresh() finds the probe running. The
                // gate opens on every way out: a failed expectation must not leave the callers
                // (and with them the task group and the whole test run) waiting forever.
                defer { gate.open() }
                let deadline = ContinuousClock.now + .seconds(60)
                while gate.calls == 0 || started.value < 10 {
                    try #require(ContinuousClock.now < deadline, "the refreshes did not start")
                    try await Task.sleep(for: .milliseconds(5))
                }
                gate.open()
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(timestamps.count == 10)
            #expect(Set(timestamps).count == 1, "every caller got the same summary")
            #expect(gate.calls == 1)
            #expect(sink.events.count == 1)
            #expect(await monitor.version == 1)

            // A refresh after the shared one has ended probes again.
            _ = try await monitor.refresh()
            #expect(gate.calls == 2)
            #expect(sink.events.count == 2)
            #expect(await monitor.version == 2)
        }
    }

    private static func settings(_ store: any SessionStore) -> GatewaySettings {
        GatewaySettings(
            serviceVersion: "0.0.0-test", dataDirectory: "/tmp", storePath: store.location, backendURL: "http://127.0.0.1:11434",
            authMode: .none)
    }
}

private extension HealthMonitor {
    /// The `ts` of `refresh()`, counted in `counter` first. Both run on the monitor's actor with
    /// no suspension in between (a call to the same actor does not give it up), so once the count
    /// is n, n callers have started the probe or found it running and wait for its result.
    func refreshTimestamp(countedIn counter: CallCounter) async throws -> Int {
        counter.increment()
        return try await refresh().ts
    }
}

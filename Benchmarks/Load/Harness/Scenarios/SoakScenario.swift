import Foundation
import NIOCore

/// `soak`: a long run (default 10 minutes) of steady connections doing one `health` per second,
/// connections churning (closed and replaced every second), and a chat started every second;
/// the server's RSS sampled each second, its slope and drift reported. The floor gets the same
/// connections and churn at the same time (no chats: it has none).
struct SoakScenario {
    struct Outcome: Sendable {
        var samples: [(seconds: Double, kib: Int)] = []
        var rpc = RPCLoop.Result()
        var handshakes = 0
        var failures: [String] = []

        /// The first 20 % is warm-up (allocator arenas, caches); the rest is analysed.
        var analysed: [(seconds: Double, kib: Int)] {
            Array(samples.dropFirst(samples.count / 5))
        }

        /// Least-squares slope of RSS over time, KiB per minute.
        var slopeKiBPerMinute: Double? {
            let points = analysed
            guard points.count >= 3 else { return nil }
            let n = Double(points.count)
            let meanX = points.map(\.seconds).reduce(0, +) / n
            let meanY = points.map { Double($0.kib) }.reduce(0, +) / n
            let covariance = points.map { ($0.seconds - meanX) * (Double($0.kib) - meanY) }.reduce(0, +)
            let variance = points.map { ($0.seconds - meanX) * ($0.seconds - meanX) }.reduce(0, +)
            return variance > 0 ? covariance / variance * 60 : nil
        }

        /// Mean of the last tenth against the first tenth of the analysed samples, in percent.
        var driftPercent: Double? {
            let points = analysed
            let tenth = max(1, points.count / 10)
            guard points.count >= 2 else { return nil }
            let first = points.prefix(tenth).map { Double($0.kib) }.reduce(0, +) / Double(tenth)
            let last = points.suffix(tenth).map { Double($0.kib) }.reduce(0, +) / Double(tenth)
            return first > 0 ? (last - first) / first * 100 : nil
        }
    }

    func run(in environment: BenchEnvironment) async throws -> [Figure] {
        let settings = environment.settings
        environment.log("soak: \(Format.value(settings.soakDuration)) s, \(settings.soakConnections) steady connections, \(settings.soakChurnPerSecond) replaced/s, \(Format.value(settings.soakChatsPerSecond)) chats/s")
        let (system, floor) = try await environment.withSystemUnderTest { system in
            let floor = try await environment.withFloor { floor in
                async let floorOutcome = measure(floor, chats: false, in: environment)
                async let systemOutcome = measure(system, chats: true, in: environment)
                return try await (systemOutcome, floorOutcome)
            }
            if let floor { return (floor.0, floor.1 as Outcome?) }
            return (try await measure(system, chats: true, in: environment), nil)
        }
        for (name, outcome) in [(environment.systemName, system)] + (floor.map { [("floor", $0)] } ?? []) {
            environment.log("soak: \(name): RSS \(outcome.samples.first?.kib ?? 0) → \(outcome.samples.last?.kib ?? 0) KiB, slope \(outcome.slopeKiBPerMinute.map(Format.value) ?? "?") KiB/min, drift \(outcome.driftPercent.map(Format.value) ?? "?") %, \(outcome.rpc.completed) health calls, \(outcome.handshakes) handshakes")
        }
        var notes = system.failures
        if system.rpc.errors > 0 { notes.append("\(system.rpc.errors) health calls answered with an error, e.g. \(system.rpc.firstError ?? "")") }
        if let floor {
            notes.append("floor (same connections and churn, at the same time): slope \(floor.slopeKiBPerMinute.map(Format.value) ?? "?") KiB/min, drift \(floor.driftPercent.map(Format.value) ?? "?") %")
        }
        notes.append("\(system.handshakes) handshakes, \(system.rpc.completed) health calls, RSS \(system.samples.first?.kib ?? 0) → \(system.samples.last?.kib ?? 0) KiB; the first 20 % of samples is warm-up")
        let note = notes.joined(separator: "; ")
        return [
            Figure(
                key: "soak.rssDriftPercent", scenario: "soak", title: "RSS drift over \(Format.value(settings.soakDuration / 60)) min (last vs first tenth)",
                unit: "%", better: .lower, value: system.driftPercent, goal: "flat (± 2 %)", note: note),
            Figure(
                key: "soak.rssSlopeKiBPerMinute", scenario: "soak", title: "RSS slope over \(Format.value(settings.soakDuration / 60)) min",
                unit: "KiB/min", better: .lower, value: system.slopeKiBPerMinute, floor: floor?.slopeKiBPerMinute),
        ]
    }

    private func measure(_ system: RunningSystem, chats: Bool, in environment: BenchEnvironment) async throws -> Outcome {
        let settings = environment.settings
        var outcome = Outcome()
        let start = ContinuousClock.now
        let end = start + .seconds(settings.soakDuration)
        let until = NIODeadline.now() + .milliseconds(Int64(settings.soakDuration * 1000))
        let steady = try await environment.open(settings.soakConnections, to: system) { _ in RPCLoop(interval: .seconds(1)) }
        for connection in steady {
            connection.run { ($0.behaviour as? RPCLoop)?.begin(on: $0, recordFrom: .now(), until: until) }
        }
        let chatter = chats ? try await environment.open(1, to: system) { _ in IdleBehaviour() }.first : nil
        let dialer = environment.dialer(for: system)
        var churning: [ClientConnection] = []
        var tick = 0
        let tag = UUID().uuidString.prefix(6).lowercased()
        while ContinuousClock.now < end {
            tick += 1
            if let chatter, settings.soakChatsPerSecond > 0 {
                let count = Int((Double(tick) * settings.soakChatsPerSecond).rounded(.down) - (Double(tick - 1) * settings.soakChatsPerSecond).rounded(.down))
                for index in 0..<count {
                    let runId = "soak\(tag)-\(tick)-\(index)", session = "agent:main:bench-soak-\(tick % 50)"
                    chatter.run { $0.send(Requests.chatSend(runId: runId, sessionKey: session)) }
                }
            }
            // Replace the oldest churning connections; each lives about five seconds.
            let retiring = churning.count >= settings.soakChurnPerSecond * 5 ? Array(churning.prefix(settings.soakChurnPerSecond)) : []
            churning.removeFirst(retiring.count)
            for connection in retiring { connection.run { $0.close() } }
            let (opened, _, failures) = try await dialer.open(count: settings.soakChurnPerSecond, concurrency: 16) { _ in IdleBehaviour() }
            churning += opened
            outcome.handshakes += opened.count
            if !failures.isEmpty, outcome.failures.count < 5 { outcome.failures.append(contentsOf: failures.prefix(1)) }
            if let pid = system.pid, let kib = ProcessMemory.residentKiB(of: pid) {
                outcome.samples.append((StartupScenario.milliseconds(ContinuousClock.now - start) / 1000, kib))
            }
            if let status = system.process?.exitStatus() {
                outcome.failures.append("\(system.name) exited (\(status))")
                break
            }
            let next = start + .seconds(tick)
            if next > ContinuousClock.now { try await Task.sleep(until: next, clock: .continuous) }
        }
        for connection in steady {
            outcome.rpc.merge(try await connection.read { ($0.behaviour as? RPCLoop)?.result ?? RPCLoop.Result() })
        }
        await BenchEnvironment.close(steady + churning + (chatter.map { [$0] } ?? []))
        return outcome
    }
}

import Foundation
import NIOCore

/// Chats through a gateway, watched by connections that record every delta's latency: the
/// engine of `stream` (many sessions, few watchers) and `fanout` (few sessions, many watchers).
struct ChatLoad: Sendable {
    struct Outcome: Sendable {
        var watched = ChatWatcher.Result()
        /// Runs that ended with `final`, as the first watcher saw them.
        var completedRuns = 0
        var runs = 0
        /// Seconds from the first to the last frame counted.
        var window: Double {
            guard watched.lastFrameAt > watched.firstFrameAt else { return 0 }
            return Double(watched.lastFrameAt - watched.firstFrameAt) / 1e9
        }
        var framesPerSecond: Double { window > 0 ? Double(watched.frames) / window : 0 }
        /// Chat deltas per second one watcher received (what every watcher is offered).
        var deltasPerSecondPerWatcher = 0.0
        var problems: [String] = []
    }

    let watchers: Int
    let runs: Int
    /// Run `i`'s session: its own (stream) or one shared (fanout).
    let sessionKey: @Sendable (Int) -> String
    /// Starts spread over this many seconds (0: all at once).
    let spread: Double
    /// The watchers also send the chats (stream); otherwise one more connection does (fanout).
    let watchersSend: Bool

    func run(on system: RunningSystem, in environment: BenchEnvironment) async throws -> Outcome {
        try await run(on: [system], in: environment)
    }

    /// With several systems (replicas sharing a store), the watchers are spread over them in
    /// turn; a separate sender (fanout) connects to the first.
    func run(on systems: [RunningSystem], in environment: BenchEnvironment) async throws -> Outcome {
        let settings = environment.settings
        let tag = UUID().uuidString.prefix(6).lowercased()
        var connections: [ClientConnection] = []
        for (index, system) in systems.enumerated() {
            let share = watchers / systems.count + (index < watchers % systems.count ? 1 : 0)
            guard share > 0 else { continue }
            connections += try await environment.open(share, to: system, concurrency: 100) { _ in ChatWatcher() }
        }
        let system = systems[0]
        var senders = connections
        var extra: [ClientConnection] = []
        if !watchersSend {
            extra = try await environment.open(1, to: system) { _ in IdleBehaviour() }
            senders = extra
        }
        for connection in connections {
            connection.run { ($0.behaviour as? ChatWatcher)?.begin() }
        }
        for index in 0..<runs {
            let sender = senders[index % senders.count]
            let runId = "b\(tag)-\(index)"
            let session = sessionKey(index)
            let delay = TimeAmount.nanoseconds(Int64(spread * 1e9 * Double(index) / Double(max(runs, 1))))
            sender.run(after: delay) { $0.send(Requests.chatSend(runId: runId, sessionKey: session)) }
        }
        // Every reply takes pieces / rate seconds; a minute more at most.
        let deadline = ContinuousClock.now + .seconds(spread + Double(settings.pieces) / settings.piecesPerSecond + 60)
        var outcome = Outcome(runs: runs)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let first = try await connections[0].read { ($0.behaviour as? ChatWatcher)?.result ?? ChatWatcher.Result() }
            if first.finals + first.failedRuns + first.refusedSends >= runs { break }
            if let exited = systems.first(where: { $0.process?.exitStatus() != nil }), let status = exited.process?.exitStatus() {
                outcome.problems.append("\(exited.name) exited (\(status)) during the chats")
                break
            }
        }
        var total = ChatWatcher.Result()
        for (index, connection) in connections.enumerated() {
            let result = try await connection.read { ($0.behaviour as? ChatWatcher)?.result ?? ChatWatcher.Result() }
            if index == 0 {
                outcome.completedRuns = result.finals
                let seconds = Double(result.lastFrameAt &- result.firstFrameAt) / 1e9
                outcome.deltasPerSecondPerWatcher = seconds > 0 ? Double(result.deltas) / seconds : 0
                if result.finals < runs {
                    outcome.problems.append("\(runs - result.finals) of \(runs) runs did not end with final (\(result.failedRuns) failed, \(result.refusedSends) refused)")
                }
            }
            total.merge(result)
        }
        if let problem = total.firstProblem { outcome.problems.append(problem) }
        outcome.watched = total
        await BenchEnvironment.close(connections + extra)
        return outcome
    }
}

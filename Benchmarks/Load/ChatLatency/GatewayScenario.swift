import Foundation

/// One measured load through the gateway: `streams` chats at once (one session each), sent
/// from `connections` clients, against a simulator in timestamps mode. For every piece it
/// records the time from the simulator's write to the client's read of the first delta that
/// carries it (the clock read as the client takes the frame off its connection).
struct GatewayScenario: Sendable {
    let url: URL
    let token: String
    let streams: Int
    let connections: Int
    let pieces: Int
    let tokensPerSecond: Double
    /// All chats start together (their pieces are written in bursts) instead of spread evenly.
    let alignedStarts: Bool
    let label: String

    struct Outcome: Sendable {
        var latencies = LatencySamples()
        var deltas = 0
        /// How many deltas carried 1, 2, … pieces.
        var piecesPerDelta: [Int: Int] = [:]
        var completedRuns = 0
        var failures: [String] = []

        mutating func merge(_ other: Outcome) {
            latencies.append(contentsOf: other.latencies)
            deltas += other.deltas
            piecesPerDelta.merge(other.piecesPerDelta, uniquingKeysWith: +)
            completedRuns += other.completedRuns
            failures += other.failures
        }
    }

    func run() async throws -> Outcome {
        var clients: [BenchmarkClient] = []
        for _ in 0..<connections { clients.append(try await BenchmarkClient.connect(url: url, token: token)) }
        let runIds = (0..<streams).map { "\(label)-\($0)-\(UUID().uuidString.prefix(8).lowercased())" }
        // Nothing waits forever: past the deadline the clients are closed, which ends every reader.
        let interval = Duration.seconds(1 / tokensPerSecond)
        let deadline = interval * pieces + .seconds(60)
        let watchdog = Task { [clients] in
            guard (try? await Task.sleep(for: deadline)) != nil else { return }
            for client in clients { await client.close() }
        }
        defer { watchdog.cancel() }

        let outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for (index, client) in clients.enumerated() {
                let mine = Set(runIds.indices.filter { $0 % connections == index }.map { runIds[$0] })
                group.addTask { await client.collect(runs: mine) }
            }
            // Starts spread evenly over one piece interval, as independent users would be (or all at once).
            let start = ContinuousClock.now
            for (index, runId) in runIds.enumerated() {
                let client = clients[index % connections]
                let offset = alignedStarts ? .zero : interval * index / streams
                group.addTask {
                    try await Task.sleep(until: start + offset, clock: .continuous)
                    try await client.startChat(runId: runId, sessionKey: "agent:main:\(runId)")
                    return Outcome()
                }
            }
            var total = Outcome()
            for try await partial in group { total.merge(partial) }
            return total
        }
        for client in clients { await client.close() }
        return outcome
    }
}

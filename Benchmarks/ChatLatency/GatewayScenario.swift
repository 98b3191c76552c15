import Foundation
import GatewayClient
import GeneratedProtocol

/// One measured load through the gateway: `streams` chats at once (one session each), sent
/// from `connections` clients, against a simulator in timestamps mode. For every piece it
/// records the time from the simulator's write to the client's read of the first delta that
/// carries it (`ReceivedEvent.receivedAt`, taken as the client takes the frame off the socket).
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
        var sessions: [GatewaySession] = []
        for _ in 0..<connections {
            let (session, _) = try await GatewaySession.open(url: url)
            _ = try await session.connect(ConnectParams(
                auth: .init(token: token),
                client: .init(id: .init(rawValue: "chat-latency"), mode: .init(rawValue: "cli"), platform: "linux", version: "1.0.0"),
                maxProtocol: 3, minProtocol: 3, scopes: ["operator.admin"]))
            sessions.append(session)
        }
        let runIds = (0..<streams).map { "\(label)-\($0)-\(UUID().uuidString.prefix(8).lowercased())" }
        // Nothing waits forever: past the deadline the clients are closed, which ends every reader.
        let interval = Duration.seconds(1 / tokensPerSecond)
        let deadline = interval * pieces + .seconds(60)
        let watchdog = Task { [sessions] in
            guard (try? await Task.sleep(for: deadline)) != nil else { return }
            for session in sessions { await session.close() }
        }
        defer { watchdog.cancel() }

        let outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for (index, session) in sessions.enumerated() {
                let mine = Set(runIds.indices.filter { $0 % connections == index }.map { runIds[$0] })
                let events = session.events
                group.addTask { await Self.collect(events, runs: mine) }
            }
            // Starts spread evenly over one piece interval, as independent users would be (or all at once).
            let start = ContinuousClock.now
            for (index, runId) in runIds.enumerated() {
                let session = sessions[index % connections]
                let offset = alignedStarts ? .zero : interval * index / streams
                group.addTask {
                    try await Task.sleep(until: start + offset, clock: .continuous)
                    let ack = try await session.request("chat.send", params: [
                        "sessionKey": .string("agent:main:\(runId)"), "message": "measure me", "deliver": false,
                        "idempotencyKey": .string(runId),
                    ])
                    var outcome = Outcome()
                    if ack.payload?["status"] != "started" { outcome.failures.append("\(runId): chat.send answered \(ack)") }
                    return outcome
                }
            }
            var total = Outcome()
            for try await partial in group { total.merge(partial) }
            return total
        }
        for session in sessions { await session.close() }
        return outcome
    }

    /// Reads one client's events until each of its runs ended.
    private static func collect(_ events: AsyncStream<ReceivedEvent>, runs: Set<String>) async -> Outcome {
        var outcome = Outcome()
        var open = runs
        for await event in events where event.name == "chat" {
            guard let payload = event.json["payload"], let runId = payload["runId"]?.stringValue, open.contains(runId) else { continue }
            switch payload["state"]?.stringValue {
            case "delta":
                let readAt = Int64((event.receivedAt.timeIntervalSince1970 * 1e9).rounded())
                let stamps = PieceStamps.parse(payload["deltaText"]?.stringValue ?? "")
                outcome.deltas += 1
                outcome.piecesPerDelta[stamps.count, default: 0] += 1
                for stamp in stamps { outcome.latencies.append(readAt - stamp) }
            case "final":
                open.remove(runId)
                outcome.completedRuns += 1
            default:
                open.remove(runId)
                outcome.failures.append("\(runId): \(payload["state"] ?? .null) \(payload["errorMessage"] ?? .null)")
            }
            if open.isEmpty { break }
        }
        outcome.failures += open.sorted().map { "\($0): no final before the deadline" }
        return outcome
    }
}

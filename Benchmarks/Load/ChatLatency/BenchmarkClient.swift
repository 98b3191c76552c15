import Foundation
import GatewayClient

/// A deliberately thin protocol client for measuring: the handshake, `chat.send`, and a read
/// loop that decodes only `chat` events, and only the fields it needs. `GatewaySession` decodes
/// every frame in full; at 10 clients × 1,000 frames/s that took over half of the CPU the
/// gateway shares with them in this one process, and the numbers measured the client.
final class BenchmarkClient: Sendable {
    private let connection: WebSocketConnection

    private init(connection: WebSocketConnection) {
        self.connection = connection
    }

    /// What the read loop decodes of a frame.
    private struct ChatFrame: Decodable {
        struct Payload: Decodable {
            var runId: String?
            var state: String?
            var deltaText: String?
            var errorMessage: String?
        }
        var event: String?
        var payload: Payload?
    }

    /// Connects and completes the handshake (`connect.challenge` → `connect` → `hello-ok`).
    static func connect(url: URL, token: String) async throws -> BenchmarkClient {
        let connection = try await WebSocketConnection.connect(to: url)
        guard case .text(let challenge)? = try await connection.receive(timeout: .seconds(5)), challenge.contains("connect.challenge") else {
            throw BenchmarkError("no connect.challenge")
        }
        try await connection.send(text: #"""
            {"type":"req","id":"connect","method":"connect","params":{"minProtocol":3,"maxProtocol":3,"scopes":["operator.admin"],\#
            "auth":{"token":"\#(token)"},"client":{"id":"chat-latency","version":"1.0.0","platform":"linux","mode":"cli"}}}
            """#)
        while true {
            guard case .text(let text)? = try await connection.receive(timeout: .seconds(5)) else { throw BenchmarkError("closed during connect") }
            if text.contains(#""id":"connect""#) {
                guard text.contains(#""ok":true"#) else { throw BenchmarkError("connect refused: \(text)") }
                return BenchmarkClient(connection: connection)
            }
        }
    }

    /// Sends `chat.send`; its answer is checked by ``collect(runs:)``.
    func startChat(runId: String, sessionKey: String) async throws {
        try await connection.send(text: #"""
            {"type":"req","id":"\#(runId)","method":"chat.send","params":{"sessionKey":"\#(sessionKey)","message":"measure me",\#
            "deliver":false,"idempotencyKey":"\#(runId)"}}
            """#)
    }

    /// Reads until each of `runs` ended (or the connection closed); every delta of those runs
    /// becomes one latency sample per piece it carries, from the piece's write to this read.
    func collect(runs: Set<String>) async -> GatewayScenario.Outcome {
        var outcome = GatewayScenario.Outcome()
        var open = runs
        let decoder = JSONDecoder()
        while !open.isEmpty {
            guard case .text(let text)? = try? await connection.receive() else { break }
            let readAt = PieceStamps.now()
            if text.hasPrefix(#"{"type":"res""#), text.contains(#""ok":false"#) {
                outcome.failures.append("a request failed: \(text.prefix(300))")
                continue
            }
            // Every client gets every run's events; only its own are decoded.
            guard text.hasPrefix(#"{"type":"event","event":"chat","#), let runId = Self.runId(in: text), open.contains(runId),
                let payload = try? decoder.decode(ChatFrame.self, from: Data(text.utf8)).payload
            else { continue }
            switch payload.state {
            case "delta":
                let stamps = PieceStamps.parse(payload.deltaText ?? "")
                outcome.deltas += 1
                outcome.piecesPerDelta[stamps.count, default: 0] += 1
                for stamp in stamps { outcome.latencies.append(readAt - stamp) }
            case "final":
                open.remove(runId)
                outcome.completedRuns += 1
            default:
                open.remove(runId)
                outcome.failures.append("\(runId): \(payload.state ?? "?") \(payload.errorMessage ?? "")")
            }
        }
        outcome.failures += open.sorted().map { "\($0): no final (connection closed or deadline passed)" }
        return outcome
    }

    /// The value of the first `"runId":"…"` member, found without parsing the frame.
    private static func runId(in text: String) -> String? {
        guard let start = text.range(of: #""runId":""#)?.upperBound,
            let end = text[start...].firstIndex(of: "\"")
        else { return nil }
        return String(text[start..<end])
    }

    func close() async {
        await connection.close()
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

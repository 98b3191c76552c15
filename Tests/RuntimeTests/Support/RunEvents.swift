import GeneratedProtocol

/// Shorter name for the protocol's JSON value in test files that also import the simulator
/// (which has its own `JSONValue`).
typealias JSON = GeneratedProtocol.JSONValue

/// One chat run as one client saw it: the payloads of its `chat` and `agent` events, in
/// arrival order, up to and including the run's terminal `chat` event.
struct RunEvents: Sendable {
    let runId: String
    /// `chat` event payloads of the run.
    let chat: [JSON]
    /// `agent` event payloads of the run.
    let agent: [JSON]

    /// The `delta` chat payloads.
    var deltas: [JSON] { chat.filter { $0["state"] == "delta" } }

    /// The terminal chat payload: `final`, `aborted` or `error`.
    var terminal: JSON { chat.last ?? .null }

    /// `data.phase` of the run's lifecycle agent events, in order.
    var lifecyclePhases: [String] {
        agent.filter { $0["stream"] == "lifecycle" }.compactMap { $0["data"]?["phase"]?.stringValue }
    }

    /// `message.content[0].text` of a chat payload (or of a history message).
    static func text(of payload: JSON) -> String? {
        (payload["message"] ?? payload)["content"]?.arrayValue?.first?["text"]?.stringValue
    }

    static let terminalStates: Set<String> = ["final", "aborted", "error"]
}

extension FrameRecorder {
    /// Waits (at most `timeout`) for the run's terminal `chat` event, then returns every event
    /// of the run received up to it.
    func run(_ runId: String, timeout: Duration = .seconds(30)) async throws -> RunEvents {
        let terminal = try await event("chat", timeout: timeout) { payload in
            payload["runId"] == .string(runId) && RunEvents.terminalStates.contains(payload["state"]?.stringValue ?? "")
        }
        return events(of: runId, through: terminal.index)
    }

    /// The run's events received so far (through frame `index`, when given).
    func events(of runId: String, through index: Int = .max) -> RunEvents {
        let mine = events.filter { $0.index <= index && $0.json["payload"]?["runId"] == .string(runId) }
        return RunEvents(
            runId: runId,
            chat: mine.filter { $0.name == "chat" }.compactMap { $0.json["payload"] },
            agent: mine.filter { $0.name == "agent" }.compactMap { $0.json["payload"] })
    }
}

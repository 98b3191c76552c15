import GeneratedProtocol

/// The slash commands `chat.send` runs instead of sending the message to the model (listed by
/// `commands.list`; `suppressCommandInterpretation: true` sends such a message verbatim).
enum ChatCommand: String, CaseIterable, Sendable {
    /// Start the session over (as `sessions.reset` with reason `new`).
    case new
    /// The same, reason `reset`.
    case reset
    /// Abort the session's runs (as `chat.abort`).
    case stop

    /// The command a message is, if it is exactly `/<name>` (surrounding blanks and case aside).
    init?(message: String) {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard text.hasPrefix("/"), let command = ChatCommand(rawValue: String(text.dropFirst())) else { return nil }
        self = command
    }

    var summary: String {
        switch self {
        case .new: "Start a new session (clears the transcript)."
        case .reset: "Reset the session (clears the transcript)."
        case .stop: "Stop the session's running replies."
        }
    }

    func entry(includeArgs: Bool) -> CommandEntry {
        CommandEntry(
            acceptsArgs: false, args: includeArgs ? [] : nil, category: self == .stop ? .status : .session,
            description: summary, name: rawValue, scope: .text, source: .native, textAliases: ["/" + rawValue])
    }
}

/// What the simulated model answers.
public enum SimulatorReply: Sendable, Hashable {
    /// The same text for every chat.
    case text(String)
    /// The content of the last `user` message, so a test can tell requests apart by their replies.
    case echo

    /// The sentence a fresh simulator answers with.
    public static let defaultText = "The quick brown fox jumps over the lazy dog."
}

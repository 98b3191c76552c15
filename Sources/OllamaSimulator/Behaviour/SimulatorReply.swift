/// What the simulated model answers.
public enum SimulatorReply: Sendable, Hashable {
    /// The same text for every chat.
    case text(String)
    /// The content of the last `user` message, so a test can tell requests apart by their replies.
    case echo
    /// `count` pieces, each `t<nanoseconds> `: the simulator's clock (Unix time in nanoseconds)
    /// read just before that piece is written, so a client in the same process (or on the same
    /// host) can tell how long each piece took to reach it. For latency benchmarks; the
    /// tokenization does not apply.
    case timestamps(count: Int)

    /// The sentence a fresh simulator answers with.
    public static let defaultText = "The quick brown fox jumps over the lazy dog."
}

/// How one chat generation ended, for the counters.
enum ChatEnding: Sendable {
    /// The whole reply, final line included, was written.
    case completed
    /// The client closed the connection (or stopped reading) before the end.
    case clientDisconnected
    /// An injected failure ended it (a cut connection).
    case failed
    /// The simulator itself is shutting down; not counted.
    case serverStopped
}

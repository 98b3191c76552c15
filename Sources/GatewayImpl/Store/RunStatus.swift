/// Where a chat run is in its life. The raw values are what the store persists.
public enum RunStatus: String, Sendable, CaseIterable {
    /// Started and not finished (or the gateway died before it finished).
    case running
    /// Finished normally.
    case ok
    /// Finished with an error.
    case error
    /// Stopped by `chat.abort`, a shutdown, or found still running at start-up.
    case aborted
}

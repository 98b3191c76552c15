/// Where a chat run is in its life. The raw values are what the store persists.
public enum RunStatus: String, Sendable, CaseIterable {
    /// Started and not finished (or the gateway died before it finished).
    case running
    /// Finished normally.
    case ok
    /// Finished with an error, or found still running at start-up (the process died mid-run).
    case error
    /// Stopped by `chat.abort`, a timeout or a graceful shutdown.
    case aborted
}

/// Why a simulator could not start or report its port.
public enum SimulatorError: Error, Sendable, Equatable {
    /// `run()` was called on a simulator that has already run; start a new one instead.
    case alreadyStarted
    /// The simulator stopped (or failed to bind) before it was listening.
    case notListening(String)
}

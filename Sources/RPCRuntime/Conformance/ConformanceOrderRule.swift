/// A payload value an order step looks for.
public struct ConformanceMatch: Sendable, Equatable {
    /// A JSON pointer into the event payload (`/data/phase`) or the error details (`/path`).
    public var pointer: String
    /// Compact JSON.
    public var value: String

    public init(pointer: String, value: String) {
        self.pointer = pointer
        self.value = value
    }
}

/// One step of an event-order rule.
public enum ConformanceOrderStep: Sendable, Equatable {
    /// An event of the run whose payload has these values (compact JSON) at these JSON pointers.
    case event(String, match: [ConformanceMatch])
    /// The response to this method, which the runner calls mid-run with the run's session key and id.
    case response(String)
}

/// Frames about one run that must arrive in the order of `steps` (a spec `eventOrder` rule).
public struct ConformanceOrderRule: Sendable, Equatable {
    public var name: String
    /// The payload member (and request param) that names the run.
    public var correlate: String
    public var steps: [ConformanceOrderStep]

    public init(name: String, correlate: String, steps: [ConformanceOrderStep]) {
        self.name = name
        self.correlate = correlate
        self.steps = steps
    }
}

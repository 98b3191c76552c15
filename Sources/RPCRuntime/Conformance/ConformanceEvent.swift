/// The definition names of the envelopes.
public struct ConformanceFrames: Sendable, Equatable {
    public var request: String
    public var response: String
    public var event: String
    public var error: String

    public init(request: String, response: String, event: String, error: String) {
        self.request = request
        self.response = response
        self.event = event
        self.error = error
    }
}

/// What the suite knows about an event: its payload schema and whether its frames carry `seq`.
public struct ConformanceEvent: Sendable, Equatable {
    public var name: String
    public var payloadSchema: String
    public var sequenced: Bool

    public init(name: String, payloadSchema: String, sequenced: Bool) {
        self.name = name
        self.payloadSchema = payloadSchema
        self.sequenced = sequenced
    }
}

/// How the runner makes an event happen that a short run may never see.
public enum ConformanceEventTrigger: Sendable, Equatable {
    /// Sent every hello-ok `policy.<policyField>` milliseconds (`defaultIntervalMs` when
    /// hello-ok has none): the runner waits up to twice that on its watcher connection.
    case periodic(policyField: String, defaultIntervalMs: Int)
    /// Sent when the gateway stops, before it closes every socket with `closeCode`: the runner
    /// runs the configured shutdown command, after every other case.
    case gatewayShutdown(closeCode: Int?)
    /// Sent when a client the gateway tracks for presence connects: the runner connects one
    /// with this client id and mode.
    case trackedClient(clientId: String, mode: String)
}

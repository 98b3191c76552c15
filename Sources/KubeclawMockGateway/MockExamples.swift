/// What a ``MockGateway`` answers: per method an example result and the params it rejects, per
/// event an example payload, all as JSON text. ``spec`` (generated) holds the spec's examples.
public struct MockExamples: Sendable {
    /// One method's examples.
    public struct Method: Sendable {
        /// The example's params (for reference; any params get the result unless they are invalid).
        public var params: String?
        /// The example result, answered to every valid request.
        public var result: String?
        /// Params the gateway rejects, with their error codes.
        public var invalid: [Invalid]

        public init(params: String?, result: String?, invalid: [Invalid]) {
            self.params = params
            self.result = result
            self.invalid = invalid
        }
    }

    /// Params a method rejects, and the error code it answers them with.
    public struct Invalid: Sendable {
        public var params: String
        public var error: String

        public init(params: String, error: String) {
            self.params = params
            self.error = error
        }
    }

    /// The protocol versions the mock negotiates.
    public var protocols: [Int]
    /// By method name.
    public var methods: [String: Method]
    /// Example payloads by event name.
    public var events: [String: String]
    /// The spec fingerprint the examples come from (as `KubeclawClientProtocol.fingerprint`).
    public var fingerprint: String

    public init(protocols: [Int], methods: [String: Method], events: [String: String], fingerprint: String) {
        self.protocols = protocols
        self.methods = methods
        self.events = events
        self.fingerprint = fingerprint
    }
}

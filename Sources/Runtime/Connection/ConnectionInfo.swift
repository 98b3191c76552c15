import GeneratedProtocol

/// What the transport knows about a caller; method implementations receive it (mapped to their
/// own context type) with every request.
public struct ConnectionInfo: Sendable, Equatable {
    /// Unique per connection (`hello-ok.server.connId`).
    public var connId: String
    /// The peer's IP address.
    public var remoteAddress: String
    public var isLoopback: Bool
    /// The `client` block of `connect` (nil before the handshake).
    public var client: ConnectParams.Client?
    /// `operator` (default) or `node`.
    public var role: String
    /// The scopes the client requested and was granted.
    public var scopes: Set<String>
    /// How the client authenticated.
    public var authMode: AuthConfiguration.Mode
    /// `device.id` when the client presented one.
    public var deviceId: String?
    /// The protocol version negotiated at `connect`.
    public var protocolVersion: ProtocolVersion
    /// What `hello-ok.policy` advertises.
    public var policy: Policy

    public struct Policy: Sendable, Equatable {
        public var maxPayload: Int
        public var maxBufferedBytes: Int
        public var tickIntervalMs: Int
    }

    /// Whether the scopes allow calling a method that needs `scope`: `operator.admin` satisfies
    /// everything and `operator.write` also satisfies `operator.read`, as in OpenClaw.
    public func allows(_ scope: Scope?) -> Bool {
        guard let scope else { return true }
        if scopes.contains(Scope.operatorAdmin.rawValue) || scopes.contains(scope.rawValue) { return true }
        return scope == .operatorRead && scopes.contains(Scope.operatorWrite.rawValue)
    }

    /// The key rate limits are counted under: the same client reconnecting keeps its budget.
    var rateLimitKey: String {
        "\(deviceId ?? client?.instanceId ?? "-")@\(remoteAddress)"
    }
}

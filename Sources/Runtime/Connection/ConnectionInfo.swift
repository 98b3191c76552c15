import GeneratedProtocol

/// What the transport knows about a caller; method implementations receive it (mapped to their
/// own context type) with every request.
public struct ConnectionInfo: Sendable, Equatable {
    /// Unique per connection (`hello-ok.server.connId`).
    public var connId: String
    /// The client's IP address: the TCP peer's, or the one a trusted proxy forwarded.
    public var remoteAddress: String
    public var isLoopback: Bool
    /// The `client` block of `connect` (nil before the handshake).
    public var client: ConnectParams.Client?
    /// `operator` (default) or `node`.
    public var role: String
    /// The scopes the client requested and was granted (in the order asked, without repeats).
    public var scopes: [String]
    /// The gateway's auth mode.
    public var authMode: AuthConfiguration.Mode
    /// How this client authenticated.
    public var authMethod: AuthMethod
    /// The device identity the client proved, if it presented one.
    public var device: VerifiedDevice?
    /// The protocol version negotiated at `connect`.
    public var protocolVersion: ProtocolVersion
    /// What `hello-ok.policy` advertises.
    public var policy: Policy
    /// The subscription-gated events this connection asked for; it lives and dies with the connection.
    public var subscriptions: EventSubscriptions
    /// When the handshake completed, epoch ms.
    public var connectedAtMs: Int

    /// `device.id` of the verified device.
    public var deviceId: String? { device?.id }

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

    /// The connection as `system-presence` and `presence` events show it; nil for `cli` clients,
    /// which OpenClaw does not track.
    public var presence: PresenceEntry? {
        guard let client, client.mode.rawValue != "cli", client.id.rawValue != "cli" else { return nil }
        return PresenceEntry(
            deviceFamily: client.deviceFamily, deviceId: deviceId, host: client.displayName ?? client.id.rawValue,
            instanceId: deviceId ?? client.instanceId, ip: isLoopback ? nil : remoteAddress, mode: client.mode.rawValue,
            modelIdentifier: client.modelIdentifier, platform: client.platform, reason: "connect", roles: [role], scopes: scopes,
            ts: connectedAtMs, version: client.version)
    }

    /// The key rate limits are counted under: a verified device's id, else the client's address
    /// (behind a trusted proxy, the forwarded one). Never the unverified `client.instanceId`: a
    /// client choosing it would mint a fresh budget with every reconnect.
    var rateLimitKey: String {
        deviceId.map { "device:\($0)" } ?? "ip:\(remoteAddress)"
    }
}

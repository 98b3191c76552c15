import GeneratedProtocol

/// Who is calling a method, as the transport established it at `connect`.
public struct CallerContext: Sendable, Equatable {
    public var connId: String
    public var role: String
    public var scopes: Set<String>
    public var clientId: String?
    public var clientMode: String?
    public var clientVersion: String?
    public var deviceId: String?
    public var remoteAddress: String
    /// `none`, `token` or `password`.
    public var authMode: String
    public var maxPayload: Int
    public var maxBufferedBytes: Int
    public var tickIntervalMs: Int
    /// The protocol version negotiated at `connect`.
    public var protocolVersion: ProtocolVersion
    /// `none`, `token`, `password` or `device-token`: how this caller authenticated.
    public var authMethod: String
    /// The device identity the caller proved (as it would be recorded), if any.
    public var device: DeviceRecord?
    /// The connection's subscription-gated events (`sessions.subscribe`, …).
    public var subscriptions: EventSubscriptions
    /// The connection as `system-presence` shows it; nil for clients that are not tracked.
    public var presence: PresenceEntry?

    public init(
        connId: String, role: String = "operator", scopes: Set<String> = [], clientId: String? = nil,
        clientMode: String? = nil, clientVersion: String? = nil, deviceId: String? = nil,
        remoteAddress: String = "127.0.0.1", authMode: String = "none", maxPayload: Int = 65536,
        maxBufferedBytes: Int = 1_048_576, tickIntervalMs: Int = 30000, protocolVersion: ProtocolVersion = .newest,
        authMethod: String = "none", device: DeviceRecord? = nil, subscriptions: EventSubscriptions = EventSubscriptions(),
        presence: PresenceEntry? = nil
    ) {
        self.connId = connId
        self.role = role
        self.scopes = scopes
        self.clientId = clientId
        self.clientMode = clientMode
        self.clientVersion = clientVersion
        self.deviceId = deviceId
        self.remoteAddress = remoteAddress
        self.authMode = authMode
        self.maxPayload = maxPayload
        self.maxBufferedBytes = maxBufferedBytes
        self.tickIntervalMs = tickIntervalMs
        self.protocolVersion = protocolVersion
        self.authMethod = authMethod
        self.device = device
        self.subscriptions = subscriptions
        self.presence = presence
    }

    /// The caller authenticated with the gateway's shared secret.
    public var usedSharedSecret: Bool { authMethod == "token" || authMethod == "password" }

    /// `operator.admin` sees sensitive fields and may abort any run.
    public var isAdmin: Bool { scopes.contains("operator.admin") }
}

import GatewayImpl
import GeneratedProtocol
import Runtime

/// The transport broadcasts what the gateway publishes.
extension EventBus: GatewayEventSink {}

/// The transport's metrics count and time the gateway's chat runs.
extension GatewayMetrics: ChatRunObserver {
    public func chatRunEnded(_ report: ChatRunReport) {
        chatRunEnded(outcome: report.outcome.rawValue, duration: report.duration, timeToFirstToken: report.timeToFirstToken)
    }
}

/// The transport checks device tokens against the gateway's device registry.
extension DeviceRegistry: DeviceTokenVerifier {
    public var tokenPrefix: String { Self.issuedTokenPrefix }

    public func check(token: String, deviceId: String, role: String, scopes: [String]) async -> DeviceTokenCheck {
        switch await verify(token: token, deviceId: deviceId, role: role, scopes: scopes) {
        case .valid: .valid
        case .mismatch: .mismatch
        case .scopeMismatch: .scopeMismatch
        case .unavailable: .unavailable
        }
    }
}

extension CallerContext {
    /// The methods' view of a connection.
    init(connection info: ConnectionInfo) {
        let device = info.device.map { device in
            DeviceRecord(
                id: device.id, publicKey: device.publicKey, platform: device.platform, deviceFamily: device.deviceFamily,
                clientId: info.client?.id.rawValue ?? "", clientMode: info.client?.mode.rawValue ?? "",
                displayName: info.client?.displayName, createdAt: Int64(info.connectedAtMs), lastSeenAt: Int64(info.connectedAtMs))
        }
        self.init(
            connId: info.connId, role: info.role, scopes: Set(info.scopes), clientId: info.client?.id.rawValue,
            clientMode: info.client?.mode.rawValue, clientVersion: info.client?.version, deviceId: info.deviceId,
            remoteAddress: info.remoteAddress, authMode: info.authMode.rawValue, maxPayload: info.policy.maxPayload,
            maxBufferedBytes: info.policy.maxBufferedBytes, tickIntervalMs: info.policy.tickIntervalMs,
            protocolVersion: info.protocolVersion, authMethod: info.authMethod.rawValue, device: device,
            subscriptions: info.subscriptions, presence: info.presence)
    }
}

/// With replicas: what the gateway publishes goes to this replica's connections and, for the
/// events that concern every replica's clients (``EventName/isReplicated``), to the others.
struct ReplicatingEventSink: GatewayEventSink {
    let local: EventBus
    let relay: any EventRelay

    func publish(_ event: GatewayEvent) {
        local.publish(event)
        relay.send(event)
    }
}

import GatewayImpl
import Runtime

/// The transport broadcasts what the gateway publishes.
extension EventBus: GatewayEventSink {}

extension CallerContext {
    /// The methods' view of a connection.
    init(connection info: ConnectionInfo) {
        self.init(
            connId: info.connId, role: info.role, scopes: info.scopes, clientId: info.client?.id.rawValue,
            clientMode: info.client?.mode.rawValue, clientVersion: info.client?.version, deviceId: info.deviceId,
            remoteAddress: info.remoteAddress, authMode: info.authMode.rawValue, maxPayload: info.policy.maxPayload,
            maxBufferedBytes: info.policy.maxBufferedBytes, tickIntervalMs: info.policy.tickIntervalMs,
            protocolVersion: info.protocolVersion)
    }
}

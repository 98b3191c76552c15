import GeneratedProtocol

/// Where the gateway's events go: the transport broadcasts them to connected clients.
public protocol GatewayEventSink: Sendable {
    func publish(_ event: GatewayEvent)
}

import Foundation
import GeneratedProtocol
import Logging

/// What every connection of one server shares: configuration, the dispatcher, the handshake
/// and admission rules, limits, events, metrics. A class, so each connection holds a reference:
/// held by value it made every connection object some 3 KiB larger (heaptrack).
final class ConnectionEnvironment<Methods: GatewayMethods>: Sendable {
    let configuration: RuntimeConfiguration
    let dispatcher: Dispatcher<Methods>
    let makeContext: @Sendable (ConnectionInfo) -> Methods.Context
    let eventBus: EventBus
    let authFailures: AuthFailureLimiter
    let handshake: Handshake
    let admission: Admission
    let metrics: GatewayMetrics
    let logger: Logger

    init(
        configuration: RuntimeConfiguration, dispatcher: Dispatcher<Methods>,
        makeContext: @escaping @Sendable (ConnectionInfo) -> Methods.Context,
        eventBus: EventBus, deviceTokens: (any DeviceTokenVerifier)? = nil, metrics: GatewayMetrics, logger: Logger,
        nowMs: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.makeContext = makeContext
        self.eventBus = eventBus
        let authFailures = AuthFailureLimiter(limit: configuration.authFailureLimit, exemptLoopback: configuration.exemptsLoopbackFromLockout)
        self.authFailures = authFailures
        self.handshake = Handshake(
            authenticator: Authenticator(configuration: configuration.auth, deviceTokens: deviceTokens),
            authFailures: authFailures, authMode: configuration.auth.mode,
            policy: ConnectionInfo.Policy(
                maxPayload: configuration.maxPayload, maxBufferedBytes: configuration.maxBufferedBytes,
                tickIntervalMs: configuration.tickIntervalMs),
            subscriptionLimit: configuration.maxSessionSubscriptions, nowMs: nowMs)
        self.admission = Admission(writeLimit: configuration.writeRateLimit, readLimit: configuration.readRateLimit)
        self.metrics = metrics
        self.logger = logger
    }
}

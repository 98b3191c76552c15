import GeneratedProtocol
import Logging

/// What every connection of one server shares: configuration, the dispatcher, limits,
/// events, metrics.
struct ConnectionEnvironment<Methods: GatewayMethods>: Sendable {
    let configuration: RuntimeConfiguration
    let dispatcher: Dispatcher<Methods>
    let makeContext: @Sendable (ConnectionInfo) -> Methods.Context
    let eventBus: EventBus
    let authenticator: Authenticator
    let authFailures: AuthFailureLimiter
    let writeLimiter: KeyedRateLimiter?
    let readLimiter: KeyedRateLimiter?
    let metrics: GatewayMetrics
    let logger: Logger

    init(
        configuration: RuntimeConfiguration, dispatcher: Dispatcher<Methods>,
        makeContext: @escaping @Sendable (ConnectionInfo) -> Methods.Context,
        eventBus: EventBus, metrics: GatewayMetrics, logger: Logger
    ) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.makeContext = makeContext
        self.eventBus = eventBus
        self.authenticator = Authenticator(configuration: configuration.auth)
        self.authFailures = AuthFailureLimiter(limit: configuration.authFailureLimit)
        self.writeLimiter = configuration.writeRateLimit.isEnabled ? KeyedRateLimiter(limit: configuration.writeRateLimit) : nil
        self.readLimiter = configuration.readRateLimit.isEnabled ? KeyedRateLimiter(limit: configuration.readRateLimit) : nil
        self.metrics = metrics
        self.logger = logger
    }

    var policy: ConnectionInfo.Policy {
        ConnectionInfo.Policy(
            maxPayload: configuration.maxPayload, maxBufferedBytes: configuration.maxBufferedBytes,
            tickIntervalMs: configuration.tickIntervalMs)
    }
}

import CoreMetrics
import GeneratedProtocol
import Metrics
import Prometheus

/// The gateway's metrics, exported in the Prometheus text format on `/metrics`.
///
/// Each server owns its registry (rather than the process-global metrics system), so several
/// servers in one process — tests — keep separate numbers.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    private let connectionsOpen: CoreMetrics.Meter
    private let connectionsTotal: CoreMetrics.Counter
    private let handshakesFailed: CoreMetrics.Counter
    private let rateLimitedWrite: CoreMetrics.Counter
    private let rateLimitedRead: CoreMetrics.Counter
    private let authFailures: CoreMetrics.Counter
    private let slowConsumers: CoreMetrics.Counter
    private let bytesIn: CoreMetrics.Counter
    private let bytesOut: CoreMetrics.Counter
    private let eventsSent: CoreMetrics.Counter
    private let requests: [String: CoreMetrics.Counter]
    private let latency: [MethodName: Metrics.Timer]
    private let chatRuns: [String: CoreMetrics.Counter]
    private let chatRunDuration: [String: Metrics.Timer]
    private let firstToken: Metrics.Timer
    private let tcpConnections: [Listener: CoreMetrics.Meter]
    private let connectionsRefused: [Listener: CoreMetrics.Counter]
    private let connectionsTimedOut: [String: CoreMetrics.Counter]

    static let outcomes = ["ok"] + ErrorCode.allCases.map(\.rawValue)
    /// How a chat run can end: its `chat` event's final state.
    public static let chatRunOutcomes = ["final", "aborted", "error"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        // Model runs take seconds to minutes (the run timeout is 10 minutes), not milliseconds.
        factory.durationHistogramBuckets["kubeclaw_chat_run_duration_seconds"] = [
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(20),
            .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        ]
        factory.durationHistogramBuckets["kubeclaw_chat_first_token_seconds"] = [
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            .seconds(10), .seconds(20), .seconds(30), .seconds(60), .seconds(120),
        ]
        self.factory = factory
        connectionsOpen = CoreMetrics.Meter(label: "kubeclaw_websocket_connections", factory: factory)
        connectionsTotal = CoreMetrics.Counter(label: "kubeclaw_websocket_connections_total", factory: factory)
        handshakesFailed = CoreMetrics.Counter(label: "kubeclaw_handshakes_failed_total", factory: factory)
        rateLimitedWrite = CoreMetrics.Counter(label: "kubeclaw_rate_limited_total", dimensions: [("budget", "write")], factory: factory)
        rateLimitedRead = CoreMetrics.Counter(label: "kubeclaw_rate_limited_total", dimensions: [("budget", "read")], factory: factory)
        authFailures = CoreMetrics.Counter(label: "kubeclaw_auth_failures_total", factory: factory)
        slowConsumers = CoreMetrics.Counter(label: "kubeclaw_slow_consumers_closed_total", factory: factory)
        bytesIn = CoreMetrics.Counter(label: "kubeclaw_websocket_bytes_received_total", factory: factory)
        bytesOut = CoreMetrics.Counter(label: "kubeclaw_websocket_bytes_sent_total", factory: factory)
        eventsSent = CoreMetrics.Counter(label: "kubeclaw_events_published_total", factory: factory)
        var requests: [String: CoreMetrics.Counter] = [:]
        var latency: [MethodName: Metrics.Timer] = [:]
        for method in MethodName.allCases {
            for outcome in Self.outcomes {
                requests[method.rawValue + "|" + outcome] = CoreMetrics.Counter(
                    label: "kubeclaw_requests_total", dimensions: [("method", method.rawValue), ("outcome", outcome)], factory: factory)
            }
            latency[method] = Metrics.Timer(
                label: "kubeclaw_request_duration_seconds", dimensions: [("method", method.rawValue)], factory: factory)
        }
        self.requests = requests
        self.latency = latency
        var chatRuns: [String: CoreMetrics.Counter] = [:]
        var chatRunDuration: [String: Metrics.Timer] = [:]
        for outcome in Self.chatRunOutcomes {
            chatRuns[outcome] = CoreMetrics.Counter(label: "kubeclaw_chat_runs_total", dimensions: [("outcome", outcome)], factory: factory)
            chatRunDuration[outcome] = Metrics.Timer(
                label: "kubeclaw_chat_run_duration_seconds", dimensions: [("outcome", outcome)], factory: factory)
        }
        self.chatRuns = chatRuns
        self.chatRunDuration = chatRunDuration
        firstToken = Metrics.Timer(label: "kubeclaw_chat_first_token_seconds", factory: factory)
        var tcpConnections: [Listener: CoreMetrics.Meter] = [:]
        var connectionsRefused: [Listener: CoreMetrics.Counter] = [:]
        var connectionsTimedOut: [String: CoreMetrics.Counter] = [:]
        for listener in Listener.allCases {
            tcpConnections[listener] = CoreMetrics.Meter(
                label: "kubeclaw_tcp_connections", dimensions: [("listener", listener.rawValue)], factory: factory)
            connectionsRefused[listener] = CoreMetrics.Counter(
                label: "kubeclaw_connections_refused_total", dimensions: [("listener", listener.rawValue), ("reason", "max_connections")],
                factory: factory)
            for stage in Self.timeoutStages(of: listener) {
                connectionsTimedOut[listener.rawValue + "|" + stage] = CoreMetrics.Counter(
                    label: "kubeclaw_connections_timed_out_total", dimensions: [("listener", listener.rawValue), ("stage", stage)],
                    factory: factory)
            }
        }
        self.tcpConnections = tcpConnections
        self.connectionsRefused = connectionsRefused
        self.connectionsTimedOut = connectionsTimedOut
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    func connectionOpened() {
        connectionsOpen.increment()
        connectionsTotal.increment()
    }

    func connectionClosed() { connectionsOpen.decrement() }
    func handshakeFailed() { handshakesFailed.increment() }
    func authenticationFailed() { authFailures.increment() }
    func slowConsumerClosed() { slowConsumers.increment() }
    func received(bytes: Int) { bytesIn.increment(by: bytes) }
    func sent(bytes: Int) { bytesOut.increment(by: bytes) }
    func eventPublished() { eventsSent.increment() }

    /// Where a connection of `listener` can time out before it is of use: `upgrade` (the gateway
    /// port's first request head, `upgradeTimeout`) and `http_idle` (`httpIdleTimeout`).
    static func timeoutStages(of listener: Listener) -> [String] {
        listener == .gateway ? ["upgrade", "http_idle"] : ["http_idle"]
    }

    /// An accepted TCP connection of `listener` (`kubeclaw_tcp_connections{listener}`).
    func tcpConnectionOpened(_ listener: Listener) { tcpConnections[listener]?.increment() }
    func tcpConnectionClosed(_ listener: Listener) { tcpConnections[listener]?.decrement() }
    /// A connection closed at once because `listener` had its maximum open.
    func connectionRefused(_ listener: Listener) { connectionsRefused[listener]?.increment() }
    /// A connection closed before its first request head arrived (`upgradeTimeout`).
    func upgradeTimedOut() { connectionsTimedOut["gateway|upgrade"]?.increment() }
    /// An HTTP connection closed for sending no complete request in time (`httpIdleTimeout`).
    func httpIdleTimedOut(_ listener: Listener) { connectionsTimedOut[listener.rawValue + "|http_idle"]?.increment() }

    func rateLimited(_ budget: RequestBudget) {
        (budget == .write ? rateLimitedWrite : rateLimitedRead).increment()
    }

    /// One chat run ended (`final`, `aborted` or `error`): how long it ran from its start to that
    /// event, and how long the model took to its first piece, if one came.
    public func chatRunEnded(outcome: String, duration: Duration, timeToFirstToken: Duration?) {
        let outcome = Self.chatRunOutcomes.contains(outcome) ? outcome : "error"
        chatRuns[outcome]?.increment()
        chatRunDuration[outcome]?.recordNanoseconds(duration.nanoseconds)
        if let timeToFirstToken { firstToken.recordNanoseconds(timeToFirstToken.nanoseconds) }
    }

    /// The health checks as `kubeclaw_health_check_up{check}` (1 healthy, 0 not), refreshed on
    /// every scrape: e.g. `check="store"` turns 0 while the session store is unavailable.
    func record(healthChecks: [HealthCheck]) {
        for check in healthChecks {
            CoreMetrics.Gauge(label: "kubeclaw_health_check_up", dimensions: [("check", check.name)], factory: factory)
                .record(check.isHealthy ? 1 : 0)
        }
    }

    /// One answered request: its outcome (`ok` or the error code) and how long it took.
    func request(_ method: MethodName, outcome: String, duration: Duration) {
        requests[method.rawValue + "|" + (Self.outcomes.contains(outcome) ? outcome : ErrorCode.unavailable.rawValue)]?.increment()
        latency[method]?.recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

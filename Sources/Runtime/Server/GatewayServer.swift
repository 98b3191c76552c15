import Foundation
import GeneratedProtocol
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ServiceLifecycle
import Locking

/// The gateway's transport: the WebSocket port (OpenClaw protocol, plus the Control UI over
/// plain HTTP) and the HTTP port (health, readiness, metrics), with graceful shutdown.
///
/// Run it in a `ServiceGroup` (SIGTERM/SIGINT start a graceful shutdown) or call `run()` and
/// `shutdown()` directly.
public final class GatewayServer<Methods: GatewayMethods>: Service, Sendable {
    public let configuration: RuntimeConfiguration
    public let eventBus: EventBus
    public let metrics: GatewayMetrics
    /// Phase and bound addresses.
    public let state = ServerState()

    private let environment: ConnectionEnvironment<Methods>
    private let probes: HealthProbes
    private let controlUI: ControlUIConfiguration
    private let originPolicy: OriginPolicy
    private let logger: Logger
    private let trigger = ShutdownTrigger()
    private let connections = Locked<[String: GatewayConnection<Methods>]>([:])
    private let gatewayCap: ConnectionCap
    private let httpCap: ConnectionCap

    public init(
        configuration: RuntimeConfiguration,
        methods: Methods,
        makeContext: @escaping @Sendable (ConnectionInfo) -> Methods.Context,
        eventBus: EventBus,
        deviceTokens: (any DeviceTokenVerifier)? = nil,
        probes: HealthProbes = .none,
        controlUI: ControlUIConfiguration = .init(),
        metrics: GatewayMetrics = GatewayMetrics(),
        logger: Logger = Logger(label: "kubeclaw.runtime")
    ) {
        self.configuration = configuration
        self.eventBus = eventBus
        self.metrics = metrics
        self.probes = probes
        self.controlUI = controlUI
        self.originPolicy = OriginPolicy(
            allowedOrigins: configuration.allowedOrigins, allowedHosts: configuration.allowedHosts,
            checksHost: configuration.auth.mode == .none)
        self.logger = logger
        self.gatewayCap = ConnectionCap(limit: configuration.maxConnections)
        self.httpCap = ConnectionCap(limit: configuration.maxHTTPConnections)
        self.environment = ConnectionEnvironment(
            configuration: configuration, dispatcher: Dispatcher(
                methods: methods, validatesResults: configuration.validatesResponses ?? Dispatcher<Methods>.validatesResultsByDefault),
            makeContext: makeContext,
            eventBus: eventBus, deviceTokens: deviceTokens, metrics: metrics, logger: logger)
    }

    /// Starts a graceful shutdown (what SIGTERM does inside a `ServiceGroup`).
    public func shutdown() {
        trigger.fire()
    }

    /// Serves until shutdown: binds both ports, then accepts connections; on shutdown stops
    /// accepting, sends `shutdown`, lets requests finish within the grace period, closes every
    /// connection with 1012, and returns.
    public func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await serve()
            } onGracefulShutdown: {
                self.trigger.fire()
            }
        } catch {
            state.failed(error)
            throw error
        }
        state.enter(.stopped)
    }

    private func serve() async throws {
        let httpServer = try await bindHTTP()
        let webSocketServer = try await bindWebSocket()
        let addresses = ServerState.Addresses(
            host: configuration.host,
            webSocketPort: webSocketServer.channel.localAddress?.port ?? configuration.port,
            httpPort: httpServer.channel.localAddress?.port ?? configuration.httpPort)
        state.serving(at: addresses)
        logger.info("gateway listening", metadata: [
            "ws": "ws://\(addresses.host):\(addresses.webSocketPort)", "http": "http://\(addresses.host):\(addresses.httpPort)",
            "auth": "\(configuration.auth.mode.rawValue)",
        ])

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.acceptWebSocketConnections(webSocketServer) }
            group.addTask { try await self.acceptHTTPConnections(httpServer) }
            group.addTask {
                await self.eventBus.runTicks(every: self.configuration.tickInterval, now: { GatewayConnection<Methods>.nowMs() })
            }
            group.addTask { await self.eventBus.runPresence(window: .milliseconds(250)) }
            await trigger.wait()
            await drain(webSocketServer: webSocketServer)
            try? await httpServer.channel.close()
            group.cancelAll()
        }
    }

    private func drain(webSocketServer: NIOAsyncChannel<EventLoopFuture<WebSocketUpgradeResult>, Never>) async {
        state.enter(.draining)
        logger.info("shutting down: no new connections; finishing requests", metadata: [
            "connections": "\(connections.withLock { $0.count })",
        ])
        try? await webSocketServer.channel.close()
        eventBus.publish(.shutdown(ShutdownEvent(reason: "gateway stopping", restartExpectedMs: configuration.restartExpectedMs)))
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        let open = connections.withLock { Array($0.values) }
        await withDiscardingTaskGroup { group in
            for connection in open {
                group.addTask { await connection.drain(until: deadline) }
            }
        }
        // The close frames are queued; give clients a moment to receive them.
        let closeDeadline = ContinuousClock.now + .seconds(3)
        while connections.withLock({ !$0.isEmpty }), ContinuousClock.now < closeDeadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.info("shutdown complete")
    }

    // MARK: WebSocket port

    private func bindWebSocket() async throws -> NIOAsyncChannel<EventLoopFuture<WebSocketUpgradeResult>, Never> {
        let maxPayload = configuration.maxPayload
        let originPolicy = self.originPolicy
        let clientAddresses = ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        let logger = self.logger
        let refusals = RefusedUpgrades()
        let (cap, metrics) = (gatewayCap, self.metrics)
        let upgradeTimeout = TimeAmount.nanoseconds(configuration.upgradeTimeout.nanoseconds)
        let idleTimeout = TimeAmount.nanoseconds(configuration.httpIdleTimeout.nanoseconds)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelInitializer { server in
                server.eventLoop.makeCompletedFuture {
                    try server.pipeline.syncOperations.addHandler(ConnectionCapHandler(cap: cap, listener: .gateway, metrics: metrics))
                }
            }
            // TCP_NODELAY at the TCP level: `.socketOption(.tcp_nodelay)` would set option 1 at
            // SOL_SOCKET, which is SO_DEBUG; it needs CAP_NET_ADMIN, so as uid 10001 (the image)
            // every accepted connection failed and was reset (found by scripts/image-smoke.sh).
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Each connection keeps its receive buffer between reads: start it at 512 bytes
            // (NIO's default is 2 KiB) and let it grow to what the client sends, up to a message.
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: max(65_536, configuration.maxPayload)))
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Until the first request head is in; removed by whichever way the request goes.
                    try channel.pipeline.syncOperations.addHandler(
                        UpgradeDeadlineHandler(timeout: upgradeTimeout, onTimeout: { metrics.upgradeTimedOut() }),
                        name: UpgradeDeadlineHandler.name)
                    let upgrader = NIOTypedWebSocketServerUpgrader<WebSocketUpgradeResult>(
                        maxFrameSize: maxPayload,
                        shouldUpgrade: { channel, head in
                            if let refusal = UpgradeRefusal.framing(of: head) {
                                logger.debug("WebSocket upgrade refused", metadata: ["refusal": "\(refusal)"])
                                refusals.mark(channel, refusal)
                                return channel.eventLoop.makeSucceededFuture(nil)
                            }
                            let origin = head.headers.first(name: "origin")
                            let host = head.headers.first(name: "host")
                            if let refusal = originPolicy.refusal(origin: origin, host: host) {
                                logger.warning("WebSocket upgrade refused: \(refusal) not allowed", metadata: [
                                    "origin": "\(origin ?? "")", "host": "\(host ?? "")",
                                ])
                                refusals.mark(channel, .policy(refusal))
                                return channel.eventLoop.makeSucceededFuture(nil)
                            }
                            return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                        },
                        upgradePipelineHandler: { channel, head in
                            channel.eventLoop.makeCompletedFuture {
                                channel.pipeline.syncOperations.removeHandler(name: UpgradeDeadlineHandler.name, promise: nil)
                                // RFC 6455 rules the decoder does not check (masking, reserved
                                // bits and opcodes, UTF-8): a violation closes with 1002 or 1007.
                                try channel.pipeline.syncOperations.addHandler(FrameValidationHandler())
                                // Fragmented messages are reassembled up to maxPayload; past it the
                                // read fails and the connection closes with 1009.
                                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096, maxAccumulatedFrameSize: maxPayload))
                                let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                                let client = clientAddresses.resolve(peer: channel.remoteAddress?.ipAddress ?? "unknown", headers: head.headers)
                                let request = UpgradeRequest(head: head, client: client)
                                return WebSocketUpgradeResult.webSocket(asyncChannel, request)
                            }
                        })
                    let upgradeConfiguration = NIOTypedHTTPServerUpgradeConfiguration<WebSocketUpgradeResult>(
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                channel.pipeline.syncOperations.removeHandler(name: UpgradeDeadlineHandler.name, promise: nil)
                                let refusal = refusals.take(channel)
                                if refusal == nil {
                                    try channel.pipeline.syncOperations.addHandler(
                                        HTTPIdleTimeoutHandler(timeout: idleTimeout, onTimeout: { metrics.httpIdleTimedOut(.gateway) }))
                                }
                                let asyncChannel = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                                    wrappingChannelSynchronously: channel)
                                if let refusal { return .refused(asyncChannel, refusal) }
                                return .http(asyncChannel)
                            }
                        })
                    let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                        configuration: .init(upgradeConfiguration: upgradeConfiguration))
                    try channel.pipeline.syncOperations.addHandler(CloseOnHTTPParserErrorHandler())
                    return upgraded
                }
            }
    }

    private func acceptWebSocketConnections(_ server: NIOAsyncChannel<EventLoopFuture<WebSocketUpgradeResult>, Never>) async throws {
        let endpoints = ControlUIEndpoints(configuration: controlUI, webSocketPort: { [state] in
            state.addressesNow()?.webSocketPort ?? 0
        })
        // Without authentication, the Control UI is not served under a foreign Host either
        // (a rebound page could read it and learn nothing secret, but it is refused alike).
        let originPolicy = self.originPolicy
        let respond: HTTPConnectionServer.Responder = { request in
            guard originPolicy.allows(host: request.headers.first(name: "host")) else { return ControlUIEndpoints.hostRefused }
            return await endpoints.respond(request)
        }
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await upgrade in inbound {
                    group.addTask {
                        do {
                            switch try await upgrade.get() {
                            case .webSocket(let channel, let request):
                                await self.serveWebSocket(channel, request: request)
                            case .http(let channel):
                                await HTTPConnectionServer.serve(channel, respond: respond)
                            case .refused(let channel, let refusal):
                                await HTTPConnectionServer.answer(channel, with: refusal.response)
                            }
                        } catch {
                            self.logger.debug("connection failed before it was served", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    private func serveWebSocket(_ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, request: UpgradeRequest) async {
        let connection = GatewayConnection(environment: environment, upgrade: request, channel: channel.channel)
        connections.withLock { $0[connection.connId] = connection }
        defer { _ = connections.withLock { $0.removeValue(forKey: connection.connId) } }
        if trigger.hasFired {
            connection.close(.init(codeNumber: Int(CloseCode.serviceRestart.rawValue)), reason: "service restart")
        }
        await connection.run(channel)
    }

    // MARK: HTTP port

    private func bindHTTP() async throws -> NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never> {
        let (cap, metrics) = (httpCap, self.metrics)
        let idleTimeout = TimeAmount.nanoseconds(configuration.httpIdleTimeout.nanoseconds)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { server in
                server.eventLoop.makeCompletedFuture {
                    try server.pipeline.syncOperations.addHandler(ConnectionCapHandler(cap: cap, listener: .http, metrics: metrics))
                }
            }
            .bind(host: configuration.host, port: configuration.httpPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPIdleTimeoutHandler(timeout: idleTimeout, onTimeout: { metrics.httpIdleTimedOut(.http) }))
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func acceptHTTPConnections(
        _ server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    ) async throws {
        let endpoints = OpsEndpoints(
            state: state, probes: probes, metrics: metrics, eventBus: eventBus, version: configuration.serviceVersion)
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask { await HTTPConnectionServer.serve(connection, respond: endpoints.respond) }
                }
            }
        }
    }
}

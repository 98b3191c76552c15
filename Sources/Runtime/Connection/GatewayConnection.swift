import Foundation
import GeneratedProtocol
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket client: the handshake, then requests and events until either side closes.
///
/// Structure: the reader runs in the connection's task and hands each request to a child task
/// (requests run concurrently, answers may come out of order, as in OpenClaw); one writer
/// child drains the `OutboundQueue` to the socket. Every inbound frame is judged by the
/// `ConnectionPhase`.
final class GatewayConnection<Methods: GatewayMethods>: EventSubscriber, Sendable {
    private struct State {
        var phase: ConnectionPhase = .awaitingConnect
        var context: Methods.Context?
        var consecutiveUnauthorized = 0
    }

    let connId = UUID().uuidString.lowercased()
    private let environment: ConnectionEnvironment<Methods>
    private let upgrade: UpgradeRequest
    private let channel: any Channel
    private let queue: OutboundQueue
    private let inFlight: InFlightRequests
    private let state = Mutex(State())
    private let logger: Logger

    /// More than this many missing-scope answers in a row close the connection (OpenClaw's flood guard).
    static var unauthorizedLimit: Int { 10 }

    init(environment: ConnectionEnvironment<Methods>, upgrade: UpgradeRequest, channel: any Channel) {
        self.environment = environment
        self.upgrade = upgrade
        self.channel = channel
        self.queue = OutboundQueue(limit: environment.configuration.maxBufferedBytes)
        self.inFlight = InFlightRequests(limit: environment.configuration.maxConcurrentRequestsPerConnection)
        var logger = environment.logger
        logger[metadataKey: "conn"] = "\(connId.prefix(8))"
        logger[metadataKey: "remote"] = "\(upgrade.remoteAddress)"
        self.logger = logger
    }

    var canReadEvents: Bool {
        state.withLock { $0.phase.info }.map { $0.allows(.operatorRead) } ?? false
    }

    // MARK: Life

    /// Serves the connection until it closes.
    func run(_ asyncChannel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
        environment.metrics.connectionOpened()
        defer {
            environment.eventBus.unsubscribe(connId)
            environment.metrics.connectionClosed()
        }
        let handshakeTimer = channel.eventLoop.scheduleTask(in: .nanoseconds(environment.configuration.handshakeTimeout.nanoseconds)) {
            [self] in
            if state.withLock({ $0.phase == .awaitingConnect || $0.phase == .handshaking }) {
                logger.debug("handshake timed out")
                close(.normalClosure, reason: "handshake timeout")
            }
        }
        defer { handshakeTimer.cancel() }
        sendChallenge()
        do {
            try await asyncChannel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await self.writeFrames(to: outbound) }
                    await self.readFrames(from: inbound)
                    self.queue.finish()
                    // Give the writer a moment to send a pending close frame, then drop the socket.
                    group.addTask { [channel] in
                        guard (try? await Task.sleep(for: .seconds(2))) != nil else { return }
                        channel.close(promise: nil)
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func writeFrames(to outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async {
        while let item = await queue.next() {
            do {
                try await outbound.write(item.frame)
            } catch {
                break
            }
            queue.written(item.bytes)
            environment.metrics.sent(bytes: item.bytes)
            if item.isClose { break }
        }
        channel.close(promise: nil)
    }

    private func readFrames(from inbound: NIOAsyncChannelInboundStream<WebSocketFrame>) async {
        await withDiscardingTaskGroup { requests in
            do {
                for try await frame in inbound {
                    let keepReading = await handle(frame, requests: &requests)
                    if !keepReading { break }
                }
            } catch let error as NIOWebSocketFrameAggregator.Error {
                switch error {
                case .accumulatedFrameSizeIsTooLarge, .tooManyFragments:
                    close(.messageTooLarge, reason: "message too big")
                default:
                    close(.protocolError, reason: "invalid frame sequence")
                }
            } catch {
                // NIOWebSocketError (e.g. a frame over maxPayload) was already answered by the
                // protocol error handler with its close code; anything else is a dropped socket.
                logger.debug("read ended", metadata: ["error": "\(error)"])
            }
            if case .closing = state.withLock({ $0.phase }) {
            } else {
                // The peer is gone: nobody will read the answers of requests still running.
                requests.cancelAll()
            }
        }
    }

    /// Handles one frame; false ends reading.
    private func handle(_ frame: WebSocketFrame, requests: inout DiscardingTaskGroup) async -> Bool {
        switch frame.opcode {
        case .text:
            environment.metrics.received(bytes: frame.length)
            await handleText(Data(frame.unmaskedData.readableBytesView), requests: &requests)
            return true
        case .binary:
            environment.metrics.received(bytes: frame.length)
            handleBinary()
            return true
        case .ping:
            _ = queue.enqueue(control: WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
            return true
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            state.withLock { $0.phase = .closing }
            queue.close(code: code, reason: "")
            return false
        default:
            return true
        }
    }

    // MARK: Frames

    private func handleText(_ data: Data, requests: inout DiscardingTaskGroup) async {
        let phase = state.withLock { $0.phase }
        switch phase {
        case .closing:
            return
        case .awaitingConnect, .handshaking:
            switch Dispatcher<Methods>.decode(data) {
            case .rejected(let response):
                send(response)
                close(.policyViolation, reason: "invalid request frame")
            case .cancel(let id):
                reject(id, .invalidRequest("invalid handshake: first request must be connect"), close: .policyViolation)
            case .request(let request) where request.method != .connect:
                reject(request.id, .invalidRequest("invalid handshake: first request must be connect"), close: .policyViolation)
            case .request(let request):
                await handshake(request)
            }
        case .connected(let info), .draining(let info):
            switch Dispatcher<Methods>.decode(data) {
            case .rejected(let response):
                send(response)
            case .cancel:
                // Cancelling a request is wired up with the handshake state machine; until then a
                // cancel frame is ignored, as old servers do.
                break
            case .request(let request):
                await admit(request, info: info, draining: phase != .connected(info), requests: &requests)
            }
        }
    }

    private func handleBinary() {
        switch state.withLock({ $0.phase }) {
        case .closing:
            return
        case .awaitingConnect, .handshaking:
            close(.policyViolation, reason: "invalid request frame")
        case .connected, .draining:
            send(Dispatcher<Methods>.errorResponse(
                id: "invalid",
                .invalidRequest("invalid request frame: binary frames are not supported; send JSON text frames",
                                details: ["reason": "binary-frame"])))
        }
    }

    // MARK: Handshake

    private func sendChallenge() {
        let challenge = ConnectChallenge(nonce: UUID().uuidString.lowercased(), ts: Self.nowMs())
        guard let event = try? EncodedEvent(.connectChallenge(challenge)) else { return }
        _ = queue.enqueue(event: event, droppable: false)
    }

    private func handshake(_ request: IncomingRequest) async {
        state.withLock { $0.phase = .handshaking }
        let params: ConnectParams
        do {
            params = try Dispatcher<Methods>.decodeParams(
                request.params, as: ConnectParams.self, schema: MethodName.connect.schemas.params, method: .connect)
        } catch let error as GatewayError {
            return failHandshake(request.id, error, close: .policyViolation)
        } catch {
            return failHandshake(request.id, .invalidRequest("invalid connect params"), close: .policyViolation)
        }
        guard let version = ProtocolVersion.negotiate(min: params.minProtocol, max: params.maxProtocol) else {
            return failHandshake(
                request.id, .invalidRequest("protocol mismatch", details: [
                    "code": .string(ErrorDetailCode.protocolMismatch.rawValue),
                    "clientMinProtocol": .integer(params.minProtocol), "clientMaxProtocol": .integer(params.maxProtocol),
                    "expectedProtocol": .integer(ProtocolVersion.newest.rawValue),
                    "supportedProtocols": .array(ProtocolVersion.supported.map { .integer($0.rawValue) }),
                ]),
                close: .protocolError)
        }
        let role = params.role ?? "operator"
        guard role == "operator" || role == "node" else {
            return failHandshake(request.id, .invalidRequest("invalid role"), close: .policyViolation)
        }
        if !params.client.id.isKnown || !params.client.mode.isKnown {
            logger.notice("client sent an unknown id or mode; accepted", metadata: [
                "clientId": "\(params.client.id.rawValue)", "clientMode": "\(params.client.mode.rawValue)",
            ])
        }
        if let waitMs = environment.authFailures.lockoutRemainingMs(for: upgrade.remoteAddress, isLoopback: upgrade.isLoopback) {
            return failHandshake(request.id, Authenticator.lockedOut(retryAfterMs: waitMs), close: .policyViolation)
        }
        if let failure = environment.authenticator.failure(for: params.auth, upgradeToken: upgrade.token) {
            environment.metrics.authenticationFailed()
            if environment.authFailures.recordFailure(for: upgrade.remoteAddress, isLoopback: upgrade.isLoopback) {
                logger.warning("address locked out after repeated authentication failures")
            }
            return failHandshake(request.id, failure, close: .policyViolation)
        }
        environment.authFailures.recordSuccess(for: upgrade.remoteAddress)

        let info = ConnectionInfo(
            connId: connId, remoteAddress: upgrade.remoteAddress, isLoopback: upgrade.isLoopback, client: params.client,
            role: role, scopes: Set(params.scopes ?? []), authMode: environment.configuration.auth.mode,
            deviceId: params.device?.id, protocolVersion: version, policy: environment.policy)
        let context = environment.makeContext(info)
        let response = await environment.dispatcher.dispatch(request, context: context, protocol: version)
        guard response.ok else {
            environment.metrics.handshakeFailed()
            send(response)
            close(.policyViolation, reason: response.error?.message ?? "connect failed")
            return
        }
        let connected: Bool = state.withLock { state in
            guard state.phase == .handshaking else { return false }
            state.phase = .connected(info)
            state.context = context
            return true
        }
        guard connected else { return }
        queue.frameEvents(for: version)
        send(response)
        environment.eventBus.subscribe(self)
        environment.metrics.request(.connect, outcome: "ok", duration: .zero)
        logger.info("client connected", metadata: [
            "clientId": "\(params.client.id.rawValue)", "clientVersion": "\(params.client.version)",
            "scopes": "\(info.scopes.sorted().joined(separator: ","))",
        ])
    }

    private func failHandshake(_ id: String, _ error: GatewayError, close code: WebSocketErrorCode) {
        environment.metrics.handshakeFailed()
        logger.info("handshake rejected", metadata: ["reason": "\(error.message)"])
        reject(id, error, close: code)
    }

    // MARK: Requests

    /// Scope, rate limit and drain checks, then the request runs concurrently.
    private func admit(_ request: IncomingRequest, info: ConnectionInfo, draining: Bool, requests: inout DiscardingTaskGroup) async {
        if request.method == .connect {
            return reject(request.id, .invalidRequest("connect is only valid as the first request"))
        }
        if let scope = request.method.scope, !info.allows(scope) {
            let count = state.withLock { state in
                state.consecutiveUnauthorized += 1
                return state.consecutiveUnauthorized
            }
            environment.metrics.request(request.method, outcome: ErrorCode.invalidRequest.rawValue, duration: .zero)
            reject(request.id, .invalidRequest("missing scope: \(scope.rawValue)", details: ["scope": .string(scope.rawValue)]))
            if count > Self.unauthorizedLimit { close(.policyViolation, reason: "repeated unauthorized calls") }
            return
        }
        state.withLock { $0.consecutiveUnauthorized = 0 }
        if draining {
            environment.metrics.request(request.method, outcome: ErrorCode.unavailable.rawValue, duration: .zero)
            return reject(request.id, .unavailable("gateway is shutting down; reconnect shortly", retryAfterMs: 1000))
        }
        let budget = RequestBudget(request.method)
        let limiter = budget == .write ? environment.writeLimiter : environment.readLimiter
        if case .limited(let retryAfterMs)? = limiter?.consume(info.rateLimitKey) {
            environment.metrics.rateLimited(budget)
            environment.metrics.request(request.method, outcome: ProtocolLimits.rateLimitErrorCode.rawValue, duration: .zero)
            let limit = budget == .write ? environment.configuration.writeRateLimit : environment.configuration.readRateLimit
            let seconds = Int(limit.window.components.seconds)
            return reject(request.id, GatewayError(
                ProtocolLimits.rateLimitErrorCode,
                "rate limit exceeded for \(request.method.rawValue); retry after \(max(1, (retryAfterMs + 999) / 1000))s",
                details: ["method": .string(request.method.rawValue), "limit": .string("\(limit.messages) per \(seconds)s")],
                retryable: true, retryAfterMs: retryAfterMs))
        }
        guard let context = state.withLock({ $0.context }) else { return }
        await inFlight.acquire()
        requests.addTask { [self] in
            defer { inFlight.release() }
            let start = ContinuousClock.now
            await environment.dispatcher.dispatch(request, context: context, protocol: info.protocolVersion) { response in
                environment.metrics.request(
                    request.method, outcome: response.error?.code ?? "ok", duration: ContinuousClock.now - start)
                send(response)
            }
        }
    }

    // MARK: Output

    func deliver(_ event: EncodedEvent, droppable: Bool) {
        if queue.enqueue(event: event, droppable: droppable) == .overflow { closeSlowConsumer() }
    }

    private func send(_ response: ResponseFrame) {
        let buffer: ByteBuffer
        do {
            buffer = ByteBuffer(bytes: try JSONEncoder.frames.encode(response))
        } catch {
            logger.error("response could not be encoded", metadata: ["error": "\(error)"])
            return
        }
        if queue.enqueue(text: buffer) == .overflow { closeSlowConsumer() }
    }

    private func reject(_ id: String, _ error: GatewayError, close code: WebSocketErrorCode? = nil) {
        send(Dispatcher<Methods>.errorResponse(id: id, error))
        if let code { close(code, reason: error.message) }
    }

    /// Queues the close frame; the writer sends it and closes the socket.
    func close(_ code: WebSocketErrorCode, reason: String) {
        state.withLock { $0.phase = .closing }
        environment.eventBus.unsubscribe(connId)
        queue.close(code: code, reason: reason)
    }

    /// A client that does not read can't be sent a close frame either: drop the socket, so
    /// its buffered frames are freed at once.
    private func closeSlowConsumer() {
        logger.warning("closing slow consumer", metadata: ["bufferedBytes": "\(queue.bufferedBytes)"])
        environment.metrics.slowConsumerClosed()
        state.withLock { $0.phase = .closing }
        environment.eventBus.unsubscribe(connId)
        queue.finish()
        channel.close(promise: nil)
    }

    /// Graceful shutdown: refuse new requests, let running ones finish (up to the deadline),
    /// then close with 1012 so clients reconnect without showing an error.
    func drain(until deadline: ContinuousClock.Instant) async {
        let wasConnected: Bool = state.withLock { state in
            guard case .connected(let info) = state.phase else { return false }
            state.phase = .draining(info)
            return true
        }
        // Polling (at shutdown only) keeps the wait bounded without a waiter that could outlive it.
        while wasConnected, inFlight.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        close(.init(codeNumber: Int(CloseCode.serviceRestart.rawValue)), reason: "service restart")
    }

    static func nowMs() -> Int {
        Int(Date().timeIntervalSince1970 * 1000)
    }
}

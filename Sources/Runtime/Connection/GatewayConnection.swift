import Foundation
import GeneratedProtocol
import Logging
import NIOCore
import NIOWebSocket
import Locking

/// One WebSocket client: the handshake, then requests and events until either side closes.
///
/// Structure: the reader runs in the connection's task and hands each request to a child task
/// (requests run concurrently, answers may come out of order, as in OpenClaw); the
/// `SocketWriter` drains the `OutboundQueue` to the socket from the channel's event loop. What
/// a frame means is decided by the `ConnectionStateMachine`; `connect` is checked by the
/// `Handshake`, every later request by the `Admission`.
final class GatewayConnection<Methods: GatewayMethods>: EventSubscriber, Sendable {
    private struct State {
        var machine = ConnectionStateMachine()
        var context: Methods.Context?
        var admission: Admission.ConnectionState
    }

    let connId = UUID().uuidString.lowercased()
    private let environment: ConnectionEnvironment<Methods>
    private let upgrade: UpgradeRequest
    private let channel: any Channel
    private let writer: SocketWriter
    private let inFlight: InFlightRequests
    private let state: Locked<State>
    private let challengeNonce = UUID().uuidString.lowercased()
    private let logger: Logger

    init(environment: ConnectionEnvironment<Methods>, upgrade: UpgradeRequest, channel: any Channel) {
        self.environment = environment
        self.upgrade = upgrade
        self.channel = channel
        let metrics = environment.metrics
        self.writer = SocketWriter(
            queue: OutboundQueue(limit: environment.configuration.maxBufferedBytes), channel: channel,
            sent: { metrics.sent(bytes: $0) })
        self.inFlight = InFlightRequests(limit: environment.configuration.maxConcurrentRequestsPerConnection)
        self.state = Locked(State(admission: environment.admission.connectionState()))
        var logger = environment.logger
        logger[metadataKey: "conn"] = "\(connId.prefix(8))"
        logger[metadataKey: "remote"] = "\(upgrade.remoteAddress)"
        if let proxy = upgrade.proxy { logger[metadataKey: "proxy"] = "\(proxy)" }
        self.logger = logger
    }

    var info: ConnectionInfo? {
        state.withLock { $0.machine.info }
    }

    var canReadEvents: Bool {
        info?.allows(.operatorRead) ?? false
    }

    func wants(_ event: EncodedEvent) -> Bool {
        guard event.name.subscription != nil else { return true }
        return info?.subscriptions.wants(event.name, key: event.subscriptionKey) ?? false
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
            if state.withLock({ $0.machine.isHandshaking }) {
                logger.debug("handshake timed out")
                close(.normalClosure, reason: "handshake timeout")
            }
        }
        defer { handshakeTimer.cancel() }
        sendChallenge()
        do {
            try await asyncChannel.executeThenClose { inbound, _ in
                await self.readFrames(from: inbound)
                self.writer.finish()
                await self.socketClosed(within: .seconds(2))
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the writer to send a pending close frame and close the socket, at most
    /// `grace`; then drops the socket.
    private func socketClosed(within grace: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [channel] in try? await channel.closeFuture.get() }
            group.addTask { [channel] in
                guard (try? await Task.sleep(for: grace)) != nil else { return }
                channel.close(promise: nil)
            }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func readFrames(from inbound: NIOAsyncChannelInboundStream<WebSocketFrame>) async {
        await withDiscardingTaskGroup { requests in
            do {
                for try await frame in inbound {
                    let keepReading = await handle(frame, requests: &requests)
                    if !keepReading { break }
                }
            } catch let violation as WebSocketViolation {
                logger.debug("closing after an RFC 6455 violation", metadata: ["violation": "\(violation)"])
                close(violation.closeCode, reason: violation.reason)
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
            if case .closing = state.withLock({ $0.machine.state }) {
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
            let decoding = Dispatcher<Methods>.decode(Data(frame.unmaskedData.readableBytesView))
            await perform(state.withLock { $0.machine.received(decoding) }, requests: &requests)
            return true
        case .binary:
            environment.metrics.received(bytes: frame.length)
            await perform(state.withLock { $0.machine.receivedBinary() }, requests: &requests)
            return true
        case .ping:
            // A client that floods pings without reading the pongs is a slow consumer like any other.
            if writer.enqueue(control: WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)) == .overflow {
                closeSlowConsumer()
                return false
            }
            return true
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            state.withLock { $0.machine.close() }
            writer.close(code: code, reason: "")
            return false
        default:
            return true
        }
    }

    /// Carries out what the state machine decided.
    private func perform(_ action: ConnectionStateMachine.Action, requests: inout DiscardingTaskGroup) async {
        switch action {
        case .ignore:
            return
        case .handshake(let request):
            // In a child task, awaited (no frame is read meanwhile): the async frames of the
            // handshake (auth, `connect`, the hello-ok snapshot) come from the child's task
            // allocator, which is freed when it ends. Run on this task, they would grow its
            // allocator by some 30 KB that stays with the connection for its whole life.
            await withDiscardingTaskGroup { handshakeTask in
                handshakeTask.addTask { await self.handshake(request) }
            }
        case .refuse(let id, let error, let code):
            reject(id, error, close: code)
        case .respond(let response, let code):
            send(.frame(response))
            if let code { close(code, reason: response.error?.message ?? "invalid request frame") }
        case .admit(let request, let info, let draining):
            await admit(request, info: info, draining: draining, requests: &requests)
        case .cancel(let id):
            if inFlight.cancel(id: id) { logger.debug("request cancelled by the client", metadata: ["id": "\(id)"]) }
        case .close(let code, let reason):
            close(code, reason: reason)
        }
    }

    // MARK: Handshake

    private func sendChallenge() {
        let challenge = ConnectChallenge(nonce: challengeNonce, ts: Self.nowMs())
        guard let event = try? EncodedEvent(.connectChallenge(challenge)) else { return }
        _ = writer.enqueue(event: event, droppable: false)
    }

    private func handshake(_ request: IncomingRequest) async {
        let subject = Handshake.Subject(connId: connId, upgrade: upgrade, challengeNonce: challengeNonce)
        let verdict = await environment.handshake.evaluate(request, for: subject)
        guard case .admitted(let info) = verdict else {
            if case .rejected(let rejection) = verdict { failHandshake(request.id, rejection) }
            return
        }
        if let client = info.client, !client.id.isKnown || !client.mode.isKnown {
            logger.notice("client sent an unknown id or mode; accepted", metadata: [
                "clientId": "\(client.id.rawValue)", "clientMode": "\(client.mode.rawValue)",
            ])
        }
        environment.authFailures.recordSuccess(for: upgrade.remoteAddress)
        let context = environment.makeContext(info)
        let response = await environment.dispatcher.dispatch(request, context: context, protocol: info.protocolVersion)
        guard response.ok else {
            environment.metrics.handshakeFailed()
            _ = state.withLock { $0.machine.handshakeFinished(admitted: nil) }
            send(response)
            close(.policyViolation, reason: response.error?.message ?? "connect failed")
            return
        }
        let connected: Bool = state.withLock { state in
            guard state.machine.handshakeFinished(admitted: info) else { return false }
            state.context = context
            return true
        }
        guard connected else { return }
        writer.queue.frameEvents(for: info.protocolVersion)
        send(response)
        environment.eventBus.subscribe(self)
        environment.metrics.request(.connect, outcome: "ok", duration: .zero)
        logger.info("client connected", metadata: [
            "clientId": "\(info.client?.id.rawValue ?? "?")", "clientVersion": "\(info.client?.version ?? "?")",
            "protocol": "\(info.protocolVersion)", "auth": "\(info.authMethod.rawValue)",
            "device": "\(info.deviceId.map { String($0.prefix(12)) } ?? "none")",
            "scopes": "\(info.scopes.joined(separator: ","))",
        ])
    }

    private func failHandshake(_ id: String, _ rejection: Handshake.Rejection) {
        _ = state.withLock { $0.machine.handshakeFinished(admitted: nil) }
        if rejection.isAuthFailure {
            environment.metrics.authenticationFailed()
            if environment.authFailures.recordFailure(for: upgrade.remoteAddress, isLoopback: upgrade.isLoopback) {
                logger.warning("address locked out after repeated authentication failures")
            }
        }
        environment.metrics.handshakeFailed()
        logger.info("handshake rejected", metadata: [
            "reason": "\(rejection.error.message)", "code": "\(rejection.error.details?["code"]?.stringValue ?? "-")",
        ])
        reject(id, rejection.error, close: rejection.close)
    }

    // MARK: Requests

    /// Admission (scope, drain, budget), then the request runs concurrently, cancellable by id.
    private func admit(_ request: IncomingRequest, info: ConnectionInfo, draining: Bool, requests: inout DiscardingTaskGroup) async {
        let decision = state.withLock { state in
            environment.admission.decide(request, info: info, draining: draining, connection: &state.admission)
        }
        switch decision {
        case .refuse(let refusal, let error, let code):
            if case .rateLimited(let budget) = refusal { environment.metrics.rateLimited(budget) }
            if refusal != .connectAgain {
                environment.metrics.request(request.method, outcome: error.code.rawValue, duration: .zero)
            }
            send(.frame(Dispatcher<Methods>.errorResponse(id: request.id, error)))
            if let code {
                logger.notice("closing after repeated unauthorized calls")
                close(code, reason: "repeated unauthorized calls")
            }
        case .run:
            guard let context = state.withLock({ $0.context }) else { return }
            await inFlight.acquire()
            let ticket = inFlight.register(id: request.id)
            requests.addTask { [self] in
                defer { inFlight.release() }
                await inFlight.run(ticket) { [self] in
                    let start = ContinuousClock.now
                    await environment.dispatcher.dispatch(request, context: context, protocol: info.protocolVersion) { response in
                        environment.metrics.request(
                            request.method, outcome: response.error?.code ?? "ok", duration: ContinuousClock.now - start)
                        send(response)
                    }
                }
            }
        }
    }

    // MARK: Output

    func deliver(_ event: EncodedEvent, droppable: Bool) {
        if writer.enqueue(event: event, droppable: droppable) == .overflow { closeSlowConsumer() }
    }

    private func send(_ response: DispatchedResponse) {
        let buffer: ByteBuffer
        do {
            buffer = ByteBuffer(bytes: try response.encoded())
        } catch {
            logger.error("response could not be encoded", metadata: ["error": "\(error)"])
            return
        }
        if writer.enqueue(text: buffer) == .overflow { closeSlowConsumer() }
    }

    private func reject(_ id: String, _ error: GatewayError, close code: WebSocketErrorCode? = nil) {
        send(.frame(Dispatcher<Methods>.errorResponse(id: id, error)))
        if let code { close(code, reason: error.message) }
    }

    /// Queues the close frame; the writer sends it and closes the socket.
    func close(_ code: WebSocketErrorCode, reason: String) {
        state.withLock { $0.machine.close() }
        environment.eventBus.unsubscribe(connId)
        writer.close(code: code, reason: reason)
    }

    /// A client that does not read can't be sent a close frame either: drop the socket, so
    /// its buffered frames are freed at once.
    private func closeSlowConsumer() {
        logger.warning("closing slow consumer", metadata: ["bufferedBytes": "\(writer.queue.bufferedBytes)"])
        environment.metrics.slowConsumerClosed()
        state.withLock { $0.machine.close() }
        environment.eventBus.unsubscribe(connId)
        writer.finish()
        channel.close(promise: nil)
    }

    /// Graceful shutdown: refuse new requests, let running ones finish (up to the deadline),
    /// then close with 1012 so clients reconnect without showing an error.
    func drain(until deadline: ContinuousClock.Instant) async {
        let wasConnected = state.withLock { $0.machine.drain() }
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

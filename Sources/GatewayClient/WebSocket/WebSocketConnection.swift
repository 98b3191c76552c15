import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A client WebSocket connection (RFC 6455) on SwiftNIO: plain `ws://` only, no TLS (Kubeclaw
/// terminates TLS at its ingress; point this client at the service, or add TLS in front).
///
/// The HTTP upgrade and all frame coding are NIO's (`NIOTypedWebSocketClientUpgrader`,
/// `NIOWebSocketFrameAggregator`, `NIOAsyncChannel`); this type adds what a protocol client and a
/// conformance runner need on top:
///
/// - ``receive()`` returns whole messages, fragments joined; pings are answered with pongs by the
///   connection itself; after the end, ``closeCode`` and ``closeReason`` tell what the server's
///   close frame said (both nil when TCP just dropped).
/// - ``receive(timeout:)`` gives up after a while *without* harming the connection.
/// - every frame it sends is masked (``send(frame:masked:)`` can opt out, for negative tests).
/// - backpressure reaches the server: at most ``WebSocketConfiguration/inboundBufferCapacity``
///   messages wait for ``receive()``; beyond that the socket is no longer read. ``pauseReading()``
///   stops socket reads at once.
/// - ``close(code:reason:)`` runs the close handshake, bounded by
///   ``WebSocketConfiguration/closeTimeout``.
///
/// One task at a time may wait in ``receive()``; any number may send. Each connection runs one
/// reader task; all connections share one event loop group (`.singleton` by default), so thousands
/// of them stay cheap. Dropping the last reference without ``close(code:reason:)`` resets the TCP
/// connection.
public final class WebSocketConnection: Sendable {
    /// The server's `101 Switching Protocols` response.
    public let upgradeResponse: HTTPResponseHead

    let reader: WebSocketReader
    private let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let readerTask: Task<Void, Never>

    private init(
        upgradeResponse: HTTPResponseHead,
        reader: WebSocketReader,
        channel: any Channel,
        outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        readerTask: Task<Void, Never>
    ) {
        self.upgradeResponse = upgradeResponse
        self.reader = reader
        self.channel = channel
        self.outbound = outbound
        self.readerTask = readerTask
    }

    deinit {
        // Dropped without close(): release the socket and a reader blocked on a full buffer now,
        // instead of whenever the server gives up on this client.
        reader.buffer.discard()
        channel.close(promise: nil)
    }

    /// The status code of the server's close frame (1005 if the frame carried none); nil while
    /// open and when the TCP connection ended without a close frame.
    public var closeCode: UInt16? { reader.closeCode }

    /// The reason text of the server's close frame; nil without one.
    public var closeReason: String? { reader.closeReason }

    /// The event loop this connection's channel runs on (timeouts are scheduled there).
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// The local address of the TCP connection.
    public var localAddress: SocketAddress? { channel.localAddress }

    // MARK: Connecting

    /// Connects to a `ws://host[:port]/path[?query]` URL and performs the WebSocket upgrade.
    ///
    /// - Parameters:
    ///   - url: `ws://` only; the path and query (e.g. `?token=…`) are sent exactly as encoded.
    ///   - headers: extra upgrade request headers, e.g. `Origin` or `x-gateway-token`.
    ///   - configuration: limits and timeouts.
    ///   - eventLoopGroup: where the channel runs; share one group across connections.
    /// - Throws: ``WebSocketConnectionError``: `.upgradeRefused` carries the HTTP status of a
    ///   refused upgrade (e.g. 403), `.timedOut` when connect plus upgrade exceed
    ///   ``WebSocketConfiguration/connectTimeout``.
    public static func connect(
        to url: URL,
        headers: [(String, String)] = [],
        configuration: WebSocketConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WebSocketConnection {
        try await connect(
            endpoint: WebSocketEndpoint(url: url),
            headers: headers,
            configuration: configuration,
            eventLoopGroup: eventLoopGroup
        )
    }

    /// Connects to `ws://host:port` + `path`, where `path` may carry a query (`/gateway?token=…`).
    public static func connect(
        host: String,
        port: Int,
        path: String = "/",
        headers: [(String, String)] = [],
        configuration: WebSocketConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WebSocketConnection {
        try await connect(
            endpoint: WebSocketEndpoint(host: host, port: port, path: path),
            headers: headers,
            configuration: configuration,
            eventLoopGroup: eventLoopGroup
        )
    }

    static func connect(
        endpoint: WebSocketEndpoint,
        headers: [(String, String)],
        configuration: WebSocketConfiguration,
        eventLoopGroup: any EventLoopGroup
    ) async throws -> WebSocketConnection {
        var requestHeaders = HTTPHeaders()
        // NIO's encoder does not add Host; HTTP/1.1 requires it.
        requestHeaders.add(name: "Host", value: endpoint.hostHeader)
        requestHeaders.add(contentsOf: headers)
        let requestHead = HTTPRequestHead(
            version: .http1_1,
            method: .GET,
            uri: endpoint.requestTarget,
            headers: requestHeaders
        )
        let deadline = HandshakeDeadline()
        let handshakeTime = TimeAmount(configuration.connectTimeout)

        let negotiation: EventLoopFuture<UpgradeOutcome>
        do {
            negotiation = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(handshakeTime)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    deadline.arm(channel, after: handshakeTime)
                    return channel.eventLoop.makeCompletedFuture {
                        try configureUpgradePipeline(channel, requestHead: requestHead, configuration: configuration)
                    }
                }
        } catch {
            deadline.disarm()
            if deadline.fired { throw WebSocketConnectionError.timedOut }
            if case ChannelError.connectTimeout = error { throw WebSocketConnectionError.timedOut }
            throw WebSocketConnectionError.connectFailed("\(endpoint.host):\(endpoint.port): \(error)")
        }

        let outcome: UpgradeOutcome
        do {
            outcome = try await negotiation.get()
        } catch {
            deadline.disarm()
            throw deadline.fired ? .timedOut : WebSocketConnectionError.handshakeFailed("\(error)")
        }

        switch outcome {
        case .upgraded(let asyncChannel, let response):
            deadline.disarm()
            return try await start(asyncChannel, upgradeResponse: response, configuration: configuration)
        case .refused(let channel, let refusal):
            defer { channel.close(promise: nil) }
            let error: WebSocketConnectionError
            do {
                error = try await refusal.get()
            } catch {
                deadline.disarm()
                throw deadline.fired ? .timedOut : WebSocketConnectionError.handshakeFailed("\(error)")
            }
            deadline.disarm()
            throw error
        }
    }

    private static func configureUpgradePipeline(
        _ channel: any Channel,
        requestHead: HTTPRequestHead,
        configuration: WebSocketConfiguration
    ) throws -> EventLoopFuture<UpgradeOutcome> {
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeOutcome>(
            // NIO traps on frame limits beyond 32 bits; clamp instead of crashing on a bad config.
            maxFrameSize: min(max(configuration.maxFrameSize, 125), Int(UInt32.max)),
            // The reader answers protocol errors itself (see WebSocketReader.run).
            enableAutomaticErrorHandling: false,
            upgradePipelineHandler: { channel, response in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOWebSocketFrameAggregator(
                            // Servers may fragment however they like; limit the total, not the pieces.
                            minNonFinalFragmentSize: 0,
                            maxAccumulatedFrameCount: max(configuration.maxFragmentCount, 1),
                            maxAccumulatedFrameSize: max(configuration.maxMessageSize, 0)
                        )
                    )
                    let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                        wrappingChannelSynchronously: channel
                    )
                    return UpgradeOutcome.upgraded(asyncChannel, response: response)
                }
            }
        )
        let upgradeConfiguration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeOutcome>(
            upgradeRequestHead: requestHead,
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let refusal = channel.eventLoop.makePromise(of: WebSocketConnectionError.self)
                    try channel.pipeline.syncOperations.addHandler(UpgradeRefusalRecorder(promise: refusal))
                    return UpgradeOutcome.refused(channel, refusal.futureResult)
                }
            }
        )
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgradeConfiguration)
        // NIO's default drops bytes that arrive behind the 101 response in the same read. A gateway
        // speaks first (`connect.challenge` right after the upgrade), so those bytes are a frame.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// Starts the reader task and returns once it handed over the outbound writer.
    private static func start(
        _ asyncChannel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>,
        upgradeResponse: HTTPResponseHead,
        configuration: WebSocketConfiguration
    ) async throws -> WebSocketConnection {
        let channel = asyncChannel.channel
        let reader = WebSocketReader(channel: channel, configuration: configuration)
        let writer = channel.eventLoop.makePromise(of: NIOAsyncChannelOutboundWriter<WebSocketFrame>.self)
        // The connection outlives this call, so its reader cannot be a child task; it is owned by
        // the connection instead: close() awaits it and deinit ends it.
        let readerTask = Task {
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    writer.succeed(outbound)
                    await reader.run(inbound: inbound, outbound: outbound)
                }
            } catch {
                // Only closing can throw here; if the body never ran, nobody else completes the
                // promise. A second completion after `succeed` is ignored by NIO.
                writer.fail(error)
            }
        }
        let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
        do {
            outbound = try await writer.futureResult.get()
        } catch {
            throw WebSocketConnectionError.connectionClosed
        }
        return WebSocketConnection(
            upgradeResponse: upgradeResponse,
            reader: reader,
            channel: channel,
            outbound: outbound,
            readerTask: readerTask
        )
    }

    // MARK: Receiving

    /// The next complete message, or nil once the connection has ended (then see ``closeCode``).
    ///
    /// - Throws: ``WebSocketConnectionError/protocolViolation(_:)`` when the server broke RFC 6455,
    ///   ``WebSocketConnectionError/receiveInProgress`` when another task is already receiving,
    ///   `CancellationError` when the calling task is cancelled (the connection stays usable).
    public func receive() async throws -> WebSocketMessage? {
        try await reader.buffer.next(timeout: nil, on: channel.eventLoop)
    }

    /// Like ``receive()``, but throws ``WebSocketConnectionError/timedOut`` when no message arrives
    /// within `timeout`. The connection stays usable and no message is lost.
    public func receive(timeout: Duration) async throws -> WebSocketMessage? {
        try await reader.buffer.next(timeout: TimeAmount(timeout), on: channel.eventLoop)
    }

    /// Stops reading from the socket: nothing more is read until ``resumeReading()``, so the
    /// kernel buffers fill and the server's writes back up (a "client that does not read").
    /// Messages already read stay available to ``receive()``; pings are not answered meanwhile.
    ///
    /// This switches the channel's `autoRead` off, which deregisters read interest right away.
    /// Merely not calling ``receive()`` pushes back too, but only after
    /// ``WebSocketConfiguration/inboundBufferCapacity`` messages plus NIO's inbound watermark.
    public func pauseReading() async throws {
        do {
            try await channel.setOption(ChannelOptions.autoRead, value: false).get()
        } catch {
            throw WebSocketConnectionError.connectionClosed
        }
    }

    /// Reads from the socket again after ``pauseReading()``.
    public func resumeReading() async throws {
        do {
            try await channel.setOption(ChannelOptions.autoRead, value: true).get()
        } catch {
            throw WebSocketConnectionError.connectionClosed
        }
    }

    // MARK: Sending

    /// Sends a text message in one masked frame.
    public func send(text: String) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    /// Sends a binary message in one masked frame.
    public func send(binary: [UInt8]) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: binary)))
    }

    /// Sends one frame as given, for cases the message API cannot express: fragments
    /// (`fin: false`, then `.continuation`), oversize frames, pings, reserved bits.
    ///
    /// - Parameters:
    ///   - frame: its `data` is the unmasked payload; a `maskKey` already set is used as is.
    ///   - masked: when the frame has no `maskKey`, give it a random one (RFC 6455 requires clients
    ///     to mask). Pass `false` only to test that a server rejects unmasked frames.
    /// - Throws: ``WebSocketConnectionError/connectionClosed`` once this side sent its close frame
    ///   or the connection ended.
    public func send(frame: WebSocketFrame, masked: Bool = true) async throws {
        if frame.opcode == .connectionClose {
            guard reader.claimCloseFrame() else { throw WebSocketConnectionError.connectionClosed }
        } else if reader.closeFrameSent {
            throw WebSocketConnectionError.connectionClosed
        }
        var frame = frame
        if masked, frame.maskKey == nil {
            frame.maskKey = .random()
        }
        do {
            try await outbound.write(frame)
        } catch {
            throw WebSocketConnectionError.connectionClosed
        }
    }

    // MARK: Closing

    /// Runs the close handshake: sends a close frame with `code` and `reason`, waits for the
    /// server's close frame and for TCP to end, at most ``WebSocketConfiguration/closeTimeout``,
    /// then drops TCP. Messages not yet received are discarded. Calling it again, or after the
    /// server closed, only waits for the end.
    ///
    /// - Parameters:
    ///   - code: the status code; RFC 6455 §7.4 (1000 normal, 4000–4999 for applications).
    ///   - reason: UTF-8, at most 123 bytes to fit a control frame (longer text is cut).
    public func close(code: UInt16 = 1000, reason: String = "") async {
        if reader.claimCloseFrame() {
            var data = channel.allocator.buffer(capacity: 2 + min(reason.utf8.count, 123))
            data.writeInteger(code)
            data.writeBytes(Self.truncatedUTF8(reason, maxBytes: 123))
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
            try? await outbound.write(frame)
        }
        reader.buffer.discard()
        reader.scheduleForcedClose()
        await readerTask.value
    }

    /// The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends on a character.
    private static func truncatedUTF8(_ text: String, maxBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in text {
            let encoded = Array(String(character).utf8)
            guard bytes.count + encoded.count <= maxBytes else { break }
            bytes += encoded
        }
        return bytes
    }
}

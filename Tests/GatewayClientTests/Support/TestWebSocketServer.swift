import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A scriptable WebSocket server for the client's tests, on 127.0.0.1 with an ephemeral port,
/// built like any NIO server: `NIOTypedWebSocketServerUpgrader` and `NIOAsyncChannel`.
///
/// Each accepted WebSocket connection runs `handler`, the test's script for the server side;
/// the connection closes when the script returns. Upgrade requests can be refused with a status.
final class TestWebSocketServer: Sendable {
    typealias Handler = @Sendable (TestServerConnection) async throws -> Void

    let port: Int
    /// Every upgrade request, accepted or refused, in arrival order.
    let upgradeRequests: Recorder<HTTPRequestHead>
    /// Errors thrown by scripts (a failed write, say), for tests that care.
    let scriptErrors: Recorder<String>
    private let serverChannel: any Channel
    private let acceptTask: Task<Void, Never>

    private init(
        port: Int,
        upgradeRequests: Recorder<HTTPRequestHead>,
        scriptErrors: Recorder<String>,
        serverChannel: any Channel,
        acceptTask: Task<Void, Never>
    ) {
        self.port = port
        self.upgradeRequests = upgradeRequests
        self.scriptErrors = scriptErrors
        self.serverChannel = serverChannel
        self.acceptTask = acceptTask
    }

    /// `ws://127.0.0.1:<port>` + `path`.
    func url(_ path: String = "/") throws -> URL {
        guard let url = URL(string: "ws://127.0.0.1:\(port)\(path)") else { throw URLError(.badURL) }
        return url
    }

    /// Starts a server.
    ///
    /// - Parameters:
    ///   - decide: accept or refuse each upgrade request.
    ///   - holdUpgradeResponse: send the 101 response together with the first frame (one segment).
    ///   - handler: the server side of each WebSocket connection.
    static func start(
        decide: @escaping @Sendable (HTTPRequestHead) -> UpgradeDecision = { _ in .accept },
        holdUpgradeResponse: Bool = false,
        handler: @escaping Handler
    ) async throws -> TestWebSocketServer {
        let requests = Recorder<HTTPRequestHead>()
        let scriptErrors = Recorder<String>()
        let refusals = RefusalLedger()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if holdUpgradeResponse {
                        try channel.pipeline.syncOperations.addHandler(FirstWriteHoldingHandler(), position: .first)
                    }
                    return try configurePipeline(channel, decide: decide, requests: requests, refusals: refusals)
                }
            }
        guard let port = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw ChannelError.unknownLocalAddress
        }
        let acceptTask = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await negotiation in inbound {
                            group.addTask {
                                await serve(negotiation, handler: handler, errors: scriptErrors)
                            }
                        }
                    }
                } catch {
                    // The listening socket closed: shutdown.
                }
            }
        }
        return TestWebSocketServer(
            port: port,
            upgradeRequests: requests,
            scriptErrors: scriptErrors,
            serverChannel: server.channel,
            acceptTask: acceptTask
        )
    }

    /// Runs `body` against a fresh server and shuts the server down afterwards, thrown or not.
    @discardableResult
    static func with<Result>(
        decide: @escaping @Sendable (HTTPRequestHead) -> UpgradeDecision = { _ in .accept },
        holdUpgradeResponse: Bool = false,
        handler: @escaping Handler,
        _ body: (TestWebSocketServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(decide: decide, holdUpgradeResponse: holdUpgradeResponse, handler: handler)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Stops accepting, cancels running scripts and waits for them.
    func shutdown() async {
        acceptTask.cancel()
        try? await serverChannel.close()
        await acceptTask.value
    }

    private static func configurePipeline(
        _ channel: any Channel,
        decide: @escaping @Sendable (HTTPRequestHead) -> UpgradeDecision,
        requests: Recorder<HTTPRequestHead>,
        refusals: RefusalLedger
    ) throws -> EventLoopFuture<ServerUpgradeOutcome> {
        let upgrader = NIOTypedWebSocketServerUpgrader<ServerUpgradeOutcome>(
            maxFrameSize: 1 << 24,
            shouldUpgrade: { channel, head in
                requests.append(head)
                switch decide(head) {
                case .accept: return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                case .refuse(let status, let body):
                    refusals.record(status, body: body, for: channel)
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                        wrappingChannelSynchronously: channel
                    )
                    return ServerUpgradeOutcome.websocket(asyncChannel, head)
                }
            }
        )
        let configuration = NIOTypedHTTPServerUpgradeConfiguration<ServerUpgradeOutcome>(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let asyncChannel = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                    let (status, body) = refusals.take(for: channel)
                    return ServerUpgradeOutcome.refused(asyncChannel, status: status, body: body)
                }
            }
        )
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
            configuration: .init(upgradeConfiguration: configuration)
        )
    }

    private static func serve(
        _ negotiation: EventLoopFuture<ServerUpgradeOutcome>,
        handler: Handler,
        errors: Recorder<String>
    ) async {
        guard let outcome = try? await negotiation.get() else { return }
        switch outcome {
        case .websocket(let asyncChannel, let head):
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    let connection = TestServerConnection(
                        requestHead: head,
                        channel: asyncChannel.channel,
                        inbound: inbound,
                        outbound: outbound
                    )
                    try await handler(connection)
                }
            } catch {
                errors.append("\(error)")
            }
        case .refused(let asyncChannel, let status, let body):
            // The refused request was consumed by the upgrader (see RefusalLedger): answer at once.
            try? await asyncChannel.executeThenClose { _, outbound in
                let headers = HTTPHeaders([
                    ("content-type", "text/plain"),
                    ("content-length", String(body.utf8.count)),
                    ("connection", "close"),
                ])
                try await outbound.write(contentsOf: [
                    .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)),
                    .body(.byteBuffer(ByteBuffer(string: body))),
                    .end(nil),
                ])
            }
        }
    }
}

import Foundation
import GeneratedProtocol
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A mock OpenClaw gateway for your own tests: a real WebSocket server on 127.0.0.1 that does
/// the handshake (challenge, `connect`, `hello-ok` with the newest common protocol version),
/// answers every method with the spec's example result, rejects the spec's invalid params with
/// their error codes, and sends events when told (``emit(_:payload:seq:)``).
///
/// ```swift
/// let mock = try await MockGateway.start(token: "secret")
/// let client = KubeclawClient(url: mock.url, auth: .token("secret"))
/// try await client.start()
/// let health = try await client.health()       // the spec's example
/// await client.close()
/// await mock.shutdown()
/// ```
public final class MockGateway: Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// What it answers.
    public let examples: MockExamples
    private let connections: MockConnections
    private let serverChannel: any Channel
    private let acceptTask: Task<Void, Never>

    private init(port: Int, examples: MockExamples, connections: MockConnections, serverChannel: any Channel, acceptTask: Task<Void, Never>) {
        self.port = port
        self.examples = examples
        self.connections = connections
        self.serverChannel = serverChannel
        self.acceptTask = acceptTask
    }

    /// `ws://127.0.0.1:<port>/`.
    public var url: URL {
        URL(string: "ws://127.0.0.1:\(port)/") ?? URL(fileURLWithPath: "/")
    }

    /// Starts a mock gateway.
    ///
    /// - Parameters:
    ///   - port: 0 for a free one.
    ///   - token: when set, `connect` must carry it as `auth.token` (else: error, close 1008).
    ///   - examples: what to answer; the spec's examples by default.
    public static func start(port: Int = 0, token: String? = nil, examples: MockExamples = .spec) async throws -> MockGateway {
        let connections = MockConnections()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel)
                }
            }
        guard let boundPort = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw ChannelError.unknownLocalAddress
        }
        let acceptTask = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await upgrade in inbound {
                            group.addTask {
                                await serve(upgrade, token: token, examples: examples, connections: connections)
                            }
                        }
                    }
                } catch {
                    // The listening socket closed: shutdown.
                }
            }
        }
        return MockGateway(port: boundPort, examples: examples, connections: connections, serverChannel: server.channel, acceptTask: acceptTask)
    }

    /// Stops listening and closes every connection.
    public func shutdown() async {
        try? await serverChannel.close()
        await dropConnections()
        acceptTask.cancel()
        await acceptTask.value
    }

    // MARK: Driving it

    /// Sends an event to every connection past its handshake: `payload`, or the spec's example
    /// for the event. `seq` forces the frame's `seq` (later events continue from it), e.g. to
    /// show a client a gap; by default each connection counts 1, 2, 3, …
    public func emit(_ event: String, payload: JSONValue? = nil, seq: Int? = nil) async {
        let body = payload ?? examples.events[event].flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? .object([:])
        for (id, connection) in connections.connected {
            let frame: JSONValue = ["type": "event", "event": .string(event), "payload": body, "seq": .integer(connections.nextSeq(id, forced: seq))]
            if let text = try? MockConnection.text(frame) {
                try? await connection.outbound.write(text)
            }
        }
    }

    /// Answers `method` this way from now on (nil: the example again).
    public func answer(_ method: String, with reply: MockReply?) {
        connections.setReply(reply, for: method)
    }

    /// Every frame clients sent (requests, `cancel` frames), in arrival order, as JSON.
    public var received: [JSONValue] { connections.received }

    /// How many connections completed the handshake and are still open.
    public var connectedCount: Int { connections.connected.count }

    /// Drops every connection without a close frame (a crashed gateway, a cut network).
    public func dropConnections() async {
        for connection in connections.all {
            try? await connection.channel.close()
        }
    }

    // MARK: Server

    private static func configure(_ channel: any Channel) throws -> EventLoopFuture<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?> {
        let upgrader = NIOTypedWebSocketServerUpgrader<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                }
            }
        )
        let configuration = NIOTypedHTTPServerUpgradeConfiguration<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededFuture(nil)
            }
        )
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    private static func serve(
        _ upgrade: EventLoopFuture<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>,
        token: String?, examples: MockExamples, connections: MockConnections
    ) async {
        guard let channel = try? await upgrade.get() else { return }
        try? await channel.executeThenClose { inbound, outbound in
            let id = connections.add(channel: channel.channel, outbound: outbound)
            defer { connections.remove(id) }
            try await MockConnection(id: id, token: token, examples: examples, connections: connections, outbound: outbound)
                .serve(inbound)
        }
    }
}

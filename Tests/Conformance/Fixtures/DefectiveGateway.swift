import Foundation
import GatewayClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket proxy in front of a real gateway that injects one ``Defect`` into what the
/// gateway sends: the test fixture that proves the conformance suite can fail, and names why.
///
/// Each client connection gets its own upstream connection; client frames go up unchanged
/// (text, binary, close), gateway messages come down through a ``DefectRewriter``, and the
/// gateway's close code and reason are relayed. Built like any NIO server: the typed WebSocket
/// upgrader and `NIOAsyncChannel`.
final class DefectiveGateway: Sendable {
    let port: Int
    private let serverChannel: any Channel
    private let acceptTask: Task<Void, Never>

    private init(port: Int, serverChannel: any Channel, acceptTask: Task<Void, Never>) {
        self.port = port
        self.serverChannel = serverChannel
        self.acceptTask = acceptTask
    }

    var url: URL { URL(string: "ws://127.0.0.1:\(port)/")! }

    /// Runs `body` against a proxy to `upstream` with `defect`, then stops the proxy.
    static func with<Result>(upstream: URL, defect: Defect, _ body: (DefectiveGateway) async throws -> Result) async throws -> Result {
        let proxy = try await start(upstream: upstream, defect: defect)
        do {
            let result = try await body(proxy)
            await proxy.shutdown()
            return result
        } catch {
            await proxy.shutdown()
            throw error
        }
    }

    static func start(upstream: URL, defect: Defect) async throws -> DefectiveGateway {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try configurePipeline(channel) }
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
                            group.addTask { await relay(negotiation, upstream: upstream, defect: defect) }
                        }
                    }
                } catch {
                    // The listening socket closed: shutdown.
                }
            }
        }
        return DefectiveGateway(port: port, serverChannel: server.channel, acceptTask: acceptTask)
    }

    func shutdown() async {
        acceptTask.cancel()
        try? await serverChannel.close()
        await acceptTask.value
    }

    private static func configurePipeline(_ channel: any Channel) throws -> EventLoopFuture<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?> {
        let upgrader = NIOTypedWebSocketServerUpgrader<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>(
            // Oversize messages must reach the gateway, which decides about them.
            maxFrameSize: 1 << 24,
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
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: .init(upgradeConfiguration: configuration))
    }

    /// Pumps one client connection to its own upstream connection and back until either side ends.
    private static func relay(
        _ negotiation: EventLoopFuture<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>, upstream url: URL, defect: Defect
    ) async {
        guard let client = try? await negotiation.get() else { return }
        try? await client.executeThenClose { inbound, outbound in
            let upstream: WebSocketConnection
            do {
                upstream = try await WebSocketConnection.connect(to: url)
            } catch {
                try? await outbound.write(closeFrame(code: 1011, reason: "upstream unreachable"))
                return
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Gateway → client, through the defect; then the gateway's close, relayed.
                    let rewriter = defect.rewriter()
                    while let message = try? await upstream.receive() {
                        switch message {
                        case .text(let text):
                            for rewritten in rewriter.messages(for: text) {
                                try? await outbound.write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: rewritten)))
                            }
                            if rewriter.closeAfterThis {
                                try? await outbound.write(closeFrame(code: 1011, reason: "closed by the defect"))
                                await upstream.close()
                                return
                            }
                        case .binary(let bytes):
                            try? await outbound.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
                        }
                    }
                    let code = rewriter.closeCode(upstream.closeCode ?? 1006)
                    if let delay = rewriter.closeDelay(code) { try? await Task.sleep(for: delay) }
                    try? await outbound.write(closeFrame(code: code, reason: upstream.closeReason ?? ""))
                }
                group.addTask {
                    // Client → gateway, unchanged.
                    do {
                        for try await frame in inbound {
                            switch frame.opcode {
                            case .text: try await upstream.send(text: String(buffer: frame.unmaskedData))
                            case .binary: try await upstream.send(binary: Array(frame.unmaskedData.readableBytesView))
                            case .ping: try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                            case .connectionClose:
                                var data = frame.unmaskedData
                                await upstream.close(code: data.readInteger(as: UInt16.self) ?? 1000)
                                return
                            default: break
                            }
                        }
                    } catch {
                        // The client or the gateway went away.
                    }
                    await upstream.close()
                }
                await group.next()
                // One direction ended; the other relays the close handshake, given at most 2 s.
                group.addTask { try? await Task.sleep(for: .seconds(2)) }
                await group.next()
                group.cancelAll()
            }
            await upstream.close()
        }
    }

    private static func closeFrame(code: UInt16, reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(code == 1005 || code == 1006 ? 1000 : code)
        data.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}

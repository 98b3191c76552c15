import NIOCore
import NIOWebSocket

/// One client connection of the load generator, deliberately thin: it runs the OpenClaw
/// handshake (`connect.challenge` → `connect` with the token → `hello-ok`), recognising each
/// frame by a byte search instead of decoding it, then hands text messages to its
/// ``ConnectionBehaviour``. Lives on its channel's event loop; the rest of the harness reaches it
/// through a ``ClientConnection``.
final class BenchConnection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum Phase {
        case awaitingChallenge, awaitingHello, open, closed
    }

    struct HandshakeRefused: Error, CustomStringConvertible {
        var description: String
    }

    private let connectRequest: ByteBuffer
    private let handshake: EventLoopPromise<NIOLoopBound<BenchConnection>>
    private var phase = Phase.awaitingChallenge
    private var context: ChannelHandlerContext?
    private(set) var behaviour: any ConnectionBehaviour
    /// Text messages received after the handshake, and their bytes.
    private(set) var messages = 0
    private(set) var bytes = 0

    /// Whether the server opens with `connect.challenge` (OpenClaw since protocol 3); if not,
    /// `connect` is sent as soon as the upgrade is through.
    private let awaitsChallenge: Bool

    init(
        connectRequest: ByteBuffer, awaitsChallenge: Bool = true, behaviour: any ConnectionBehaviour,
        handshake: EventLoopPromise<NIOLoopBound<BenchConnection>>
    ) {
        self.connectRequest = connectRequest
        self.awaitsChallenge = awaitsChallenge
        self.behaviour = behaviour
        self.handshake = handshake
    }

    var isOpen: Bool { phase == .open }
    var eventLoop: any EventLoop { handshake.futureResult.eventLoop }

    func replace(behaviour: any ConnectionBehaviour) {
        self.behaviour = behaviour
        if phase == .open { behaviour.opened(self) }
    }

    /// Sends one text message (masked, as a client must) and flushes.
    func send(_ text: ByteBuffer) {
        guard phase == .open, let context else { return }
        write(text, context: context)
    }

    private func write(_ text: ByteBuffer, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: text)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Sends a close frame; the server's answer (or the TCP close) ends the connection.
    func close() {
        guard let context, phase != .closed else { return }
        phase = .closed
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: context.channel.allocator.buffer(bytes: [0x03, 0xE8]))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        // Whatever the server does, the socket goes within a second.
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
    }

    // MARK: ChannelInboundHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if !awaitsChallenge, context.channel.isActive {
            write(connectRequest, context: context)
            phase = .awaitingHello
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            text(frame.data, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.data)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            if phase != .closed {
                phase = .closed
                let answer = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.data)
                context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
                context.close(promise: nil)
            } else {
                context.close(promise: nil)
            }
            handshake.fail(HandshakeRefused(description: "closed by the server: \(FrameScan.closeDescription(frame.data))"))
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        handshake.fail(HandshakeRefused(description: "the connection closed during the handshake"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handshake.fail(error)
        context.close(promise: nil)
    }

    private func text(_ message: ByteBuffer, context: ChannelHandlerContext) {
        switch phase {
        case .open:
            messages += 1
            bytes += message.readableBytes
            behaviour.received(message, on: self)
        case .awaitingChallenge:
            guard FrameScan.contains(message, FrameScan.challengeEvent) else { return }
            write(connectRequest, context: context)
            phase = .awaitingHello
        case .awaitingHello:
            // Other frames (events) may come first; the answer carries the connect id.
            guard FrameScan.contains(message, FrameScan.connectId) else { return }
            if FrameScan.contains(message, FrameScan.notOK) {
                let reason = String(buffer: message).prefix(300)
                handshake.fail(HandshakeRefused(description: "connect refused: \(reason)"))
                phase = .closed
                context.close(promise: nil)
                return
            }
            phase = .open
            handshake.succeed(NIOLoopBound(self, eventLoop: context.eventLoop))
            behaviour.opened(self)
        case .closed:
            break
        }
    }
}

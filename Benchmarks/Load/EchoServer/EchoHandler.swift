import NIOCore
import NIOWebSocket

/// One upgraded connection: a canned challenge, then echo (or broadcast) of every text message.
/// Pings get pongs; a close frame is answered and the connection closed.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The same first message a gateway sends, so clients run one code path for both.
    static let challenge = #"{"type":"event","event":"connect.challenge","payload":{"nonce":"floor","ts":0}}"#

    private let broadcast: BroadcastGroup?
    private var closing = false

    init(broadcast: BroadcastGroup?) {
        self.broadcast = broadcast
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let text = context.channel.allocator.buffer(string: Self.challenge)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: text)), promise: nil)
        broadcast?.join(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        broadcast?.leave(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            let payload = frame.unmaskedData
            if let broadcast {
                broadcast.send(WebSocketFrame(fin: true, opcode: frame.opcode, data: payload))
            } else {
                context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: frame.opcode, data: payload)), promise: nil)
            }
        case .ping:
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            guard !closing else { return context.close(promise: nil) }
            closing = true
            let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(close), promise: nil)
            context.close(promise: nil)
        default:
            break
        }
    }

    /// One flush per read burst, as a careful server does.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

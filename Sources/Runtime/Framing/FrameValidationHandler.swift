import NIOCore
import NIOWebSocket

/// Runs the `FrameValidator` on every frame of a WebSocket, between NIO's frame decoder and the
/// fragment aggregator (so it sees each fragment with its mask and reserved bits). A violation
/// is passed on as a `WebSocketViolation` error — the connection turns it into a close frame —
/// and everything the client sends after it is dropped.
final class FrameValidationHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    private var validator = FrameValidator()
    private var violated = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !violated else { return }
        if let violation = validator.validate(Self.unwrapInboundIn(data)) {
            violated = true
            context.fireErrorCaught(violation)
            return
        }
        context.fireChannelRead(data)
    }
}

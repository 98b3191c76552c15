import NIOCore
import NIOHTTP1

/// Closes an HTTP/1.1 connection that has not sent a complete request within `timeout` of
/// connecting or of its previous response: idle keep-alive connections, and requests that
/// trickle in (slowloris). The clock stops while the server works on a request.
final class HTTPIdleTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var deadline: ConnectionDeadline

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        deadline = ConnectionDeadline(timeout: timeout, onTimeout: onTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadline.arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        deadline.arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline.disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = Self.unwrapInboundIn(data) { deadline.disarm() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = Self.unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { deadline.arm(context) }
    }
}

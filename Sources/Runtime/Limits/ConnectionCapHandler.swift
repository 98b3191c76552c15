import NIOCore

/// Sits in a listening channel's pipeline, ahead of NIO's accept handling, and closes every
/// accepted connection past the `ConnectionCap` at once. A refused connection never reaches
/// the child channel initializer, so no `NIOAsyncChannel` is made for it (one made and dropped
/// unused traps in NIO).
final class ConnectionCapHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let cap: ConnectionCap
    private let listener: Listener
    private let metrics: GatewayMetrics

    init(cap: ConnectionCap, listener: Listener, metrics: GatewayMetrics) {
        self.cap = cap
        self.listener = listener
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let accepted = Self.unwrapInboundIn(data)
        guard cap.acquire() else {
            metrics.connectionRefused(listener)
            accepted.close(promise: nil)
            return
        }
        metrics.tcpConnectionOpened(listener)
        let (cap, listener, metrics) = (self.cap, self.listener, self.metrics)
        accepted.closeFuture.whenComplete { _ in
            cap.release()
            metrics.tcpConnectionClosed(listener)
        }
        context.fireChannelRead(data)
    }
}

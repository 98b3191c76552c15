import NIOCore

/// Holds the first outbound write (the `101 Switching Protocols` response) and sends it together
/// with the next one, so the upgrade response and the first WebSocket frame leave in one segment
/// and the client reads them in one read. Its write promise succeeds at once, because NIO's server
/// upgrader waits for that promise before it installs the WebSocket handlers.
final class FirstWriteHoldingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var held: NIOAny?
    private var holding = true

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if holding {
            holding = false
            held = data
            promise?.succeed(())
            return
        }
        if let held {
            self.held = nil
            context.write(held, promise: nil)
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if held == nil { context.flush() }
    }
}

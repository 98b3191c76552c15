import NIOCore
import NIOHTTP1

/// Closes a connection whose request NIO's HTTP decoder could not parse. NIO's error handler
/// answers `400 Connection: close` but leaves the closing to the pipeline; before the upgrade
/// handler has decided, nothing else would, and the socket stayed open until the upgrade
/// deadline (10 s). Passes everything else through.
final class CloseOnHTTPParserErrorHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }
}

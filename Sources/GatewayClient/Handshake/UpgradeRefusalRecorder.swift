import NIOCore
import NIOHTTP1

/// Reads the HTTP response of a refused upgrade and turns it into
/// ``WebSocketConnectionError/upgradeRefused(status:reason:body:)``.
///
/// NIO's typed client upgrader reports "not upgraded" without the response: its
/// `notUpgradingCompletionHandler` only gets the channel, and the buffered response head is
/// replayed into the pipeline after that handler has run. So this handler is added there and
/// catches the replayed head, then the body up to ``bodyLimit``.
final class UpgradeRefusalRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Enough of the body to show a server's explanation ("origin not allowed"), no more.
    static let bodyLimit = 4096

    private let promise: EventLoopPromise<WebSocketConnectionError>
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var completed = false

    init(promise: EventLoopPromise<WebSocketConnectionError>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var chunk):
            let room = Self.bodyLimit - body.readableBytes
            if room > 0, let slice = chunk.readSlice(length: min(room, chunk.readableBytes)) {
                body.writeImmutableBuffer(slice)
            }
        case .end:
            complete()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete()
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        complete()
    }

    private func complete() {
        guard !completed else { return }
        completed = true
        guard let head else {
            promise.fail(WebSocketConnectionError.handshakeFailed("the connection ended before the HTTP response"))
            return
        }
        promise.succeed(
            .upgradeRefused(status: Int(head.status.code), reason: head.status.reasonPhrase, body: String(buffer: body))
        )
    }
}

@available(*, unavailable)
extension UpgradeRefusalRecorder: Sendable {}

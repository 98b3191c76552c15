import NIOCore
import NIOHTTP1
import NIOPosix

/// `GET` on loopback, for `/readyz`: the status code, or nil if nothing answered.
enum HTTPProbe {
    private final class StatusHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let status: EventLoopPromise<Int>
        init(status: EventLoopPromise<Int>) { self.status = status }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) {
                status.succeed(Int(head.status.code))
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            status.fail(ChannelError.eof)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            status.fail(error)
            context.close(promise: nil)
        }
    }

    static func status(host: String = "127.0.0.1", port: Int, path: String, group: any EventLoopGroup) async -> Int? {
        let loop = group.next()
        let status = loop.makePromise(of: Int.self)
        let timeout = loop.scheduleTask(in: .seconds(2)) { status.fail(ChannelError.connectTimeout(.seconds(2))) }
        defer { timeout.cancel() }
        do {
            let channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(2))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(StatusHandler(status: status))
                    }
                }
                .connect(host: host, port: port)
                .get()
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "\(host):\(port)")
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            let code = try await status.futureResult.get()
            channel.close(promise: nil)
            return code
        } catch {
            status.fail(error)
            return nil
        }
    }
}

import Logging
import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection with two tasks: a reader that assembles requests and
/// notices when the client goes away, and a responder that answers them one at a time.
/// When the reader sees the inbound side end, the responder is cancelled, which is what
/// stops a generation promptly when a client disconnects mid-stream.
struct ConnectionHandler: Sendable {
    let router: EndpointRouter
    let maxRequestBodyBytes: Int
    let logger: Logger

    func serve(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                // The pipelining handler holds back a second request until the first is answered,
                // so a small buffer is never full.
                let (requests, continuation) = AsyncStream.makeStream(
                    of: IncomingRequest.self,
                    bufferingPolicy: .bufferingOldest(8)
                )
                let liveness = ConnectionLiveness()
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await readRequests(from: inbound, into: continuation, liveness: liveness)
                    }
                    group.addTask {
                        await respond(to: requests, on: outbound, liveness: liveness)
                    }
                    // Whichever ends first ends the connection: the client left, or the responder chose to close.
                    _ = await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func readRequests(
        from inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        into continuation: AsyncStream<IncomingRequest>.Continuation,
        liveness: ConnectionLiveness
    ) async {
        defer { continuation.finish() }
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        var tooLarge = false
        do {
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = ByteBuffer()
                    tooLarge = false
                case .body(var chunk):
                    // Past the cap the rest is read and dropped, so the 413 reaches a client
                    // that is still sending instead of a connection reset.
                    if tooLarge { continue }
                    if body.readableBytes + chunk.readableBytes > maxRequestBodyBytes {
                        tooLarge = true
                        body = ByteBuffer()
                    } else {
                        body.writeBuffer(&chunk)
                    }
                case .end:
                    guard let requestHead = head else { continue }
                    continuation.yield(
                        tooLarge ? .bodyTooLarge(head: requestHead) : .complete(head: requestHead, body: body)
                    )
                    head = nil
                    body = ByteBuffer()
                }
            }
        } catch {
            logger.debug("reading the connection failed", metadata: ["error": "\(error)"])
        }
        // Cancelled means the responder closed the connection; otherwise the peer did.
        if !Task.isCancelled {
            liveness.markClientGone()
        }
    }

    private func respond(
        to requests: AsyncStream<IncomingRequest>,
        on outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        liveness: ConnectionLiveness
    ) async {
        for await request in requests {
            let writer = ResponseWriter(outbound: outbound, requestHead: request.head)
            let disposition = await router.handle(request, writer: writer, liveness: liveness)
            if disposition == .close || !writer.keepAlive || Task.isCancelled {
                return
            }
        }
    }
}

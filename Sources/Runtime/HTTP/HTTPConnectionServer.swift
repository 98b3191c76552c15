import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection with a responder, request after request (keep-alive).
enum HTTPConnectionServer {
    typealias Responder = @Sendable (HTTPRequestSummary) async -> HTTPResponseSpec

    static func serve(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, respond: Responder) async {
        try? await channel.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body:
                    continue  // the endpoints take no body; NIO bounds what it reads
                case .end:
                    guard let requestHead = head else {
                        // NIO consumed the head of an upgrade request it could not carry out.
                        try await write(UpgradeRefusal.headers.response, to: outbound)
                        return
                    }
                    head = nil
                    var response: HTTPResponseSpec
                    if requestHead.method == .GET || requestHead.method == .HEAD {
                        response = await respond(HTTPRequestSummary(requestHead))
                    } else {
                        response = .methodNotAllowed
                        response.headers.replaceOrAdd(name: "allow", value: "GET, HEAD")
                    }
                    response.headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
                    response.headers.replaceOrAdd(name: "connection", value: requestHead.isKeepAlive ? "keep-alive" : "close")
                    try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: response.status, headers: response.headers)))
                    if requestHead.method != .HEAD { try await outbound.write(.body(.byteBuffer(response.body))) }
                    try await outbound.write(.end(nil))
                    if !requestHead.isKeepAlive { return }
                }
            }
        }
    }

    /// Writes one response without reading a request, then closes.
    static func answer(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, with response: HTTPResponseSpec) async {
        try? await channel.executeThenClose { _, outbound in
            try await write(response, to: outbound)
        }
    }

    /// A complete response that closes the connection.
    private static func write(_ response: HTTPResponseSpec, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        headers.replaceOrAdd(name: "connection", value: "close")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(response.body)))
        try await outbound.write(.end(nil))
    }
}

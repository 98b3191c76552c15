import NIOCore
import NIOHTTP1

/// Writes one response on a connection: either whole (with `content-length`), or streamed
/// as chunks, each flushed as it is written.
struct ResponseWriter: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let requestHead: HTTPRequestHead

    /// Whether the connection may carry another request after this response.
    var keepAlive: Bool {
        requestHead.isKeepAlive
    }

    func sendWhole(
        status: HTTPResponseStatus,
        contentType: String,
        body: ByteBuffer,
        extraHeaders: [(String, String)] = []
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.readableBytes))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers)))
        if requestHead.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(body)))
        }
        try await outbound.write(.end(nil))
    }

    func sendJSON(status: HTTPResponseStatus = .ok, _ value: some Encodable) async throws {
        try await sendWhole(status: status, contentType: "application/json; charset=utf-8", body: WireJSON.encode(value))
    }

    func sendJSON(status: HTTPResponseStatus = .ok, _ value: some Encodable, extraHeaders: [(String, String)]) async throws {
        try await sendWhole(
            status: status, contentType: "application/json; charset=utf-8", body: WireJSON.encode(value), extraHeaders: extraHeaders)
    }

    /// Ollama's error reply: the status plus `{"error": message}` (and `Retry-After` when given).
    func sendError(status: HTTPResponseStatus, _ message: String, retryAfter: String? = nil) async throws {
        try await sendJSON(status: status, ErrorBody(error: message), extraHeaders: retryAfter.map { [("retry-after", $0)] } ?? [])
    }

    func sendText(status: HTTPResponseStatus = .ok, _ text: String) async throws {
        try await sendWhole(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: text))
    }

    /// The head of a streamed NDJSON reply; without a length, the encoder frames the body as chunked.
    func startStream() async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-ndjson")
        if !keepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: .ok, headers: headers)))
    }

    /// The head of a Server-Sent Events reply (OpenAI, Anthropic), plus the face's own headers.
    func startEventStream(extraHeaders: [(String, String)] = []) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "cache-control", value: "no-cache")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: .ok, headers: headers)))
    }

    /// One piece of a streamed body, flushed at once.
    func sendChunk(_ bytes: ByteBuffer) async throws {
        try await outbound.write(.body(.byteBuffer(bytes)))
    }

    func endStream() async throws {
        try await outbound.write(.end(nil))
    }
}

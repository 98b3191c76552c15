/// What the connection does after a response.
enum ConnectionDisposition: Sendable {
    /// Wait for the next request (HTTP/1.1 keep-alive).
    case keepOpen
    /// Close now; for `Connection: close`, an oversized body, or a deliberately cut reply.
    case close
}

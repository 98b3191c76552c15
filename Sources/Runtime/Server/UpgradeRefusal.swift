import NIOHTTP1

/// Why a WebSocket upgrade request on the gateway port is answered with an HTTP error instead
/// of `101 Switching Protocols`; the connection closes after the answer.
enum UpgradeRefusal: Sendable, Equatable {
    /// The Host or Origin check (CSWSH, DNS rebinding): 403.
    case policy(OriginPolicy.Refusal)
    /// RFC 6455 §4.1: the opening handshake is a GET. 405.
    case method
    /// An upgrade request with a body (Content-Length or Transfer-Encoding). NIO would switch
    /// protocols after the body and then hand the body to the WebSocket pipeline, which never
    /// starts the handshake: the socket would stay open with no deadline. 400.
    case body
    /// Upgrade headers NIO's upgrader rejected (no `Sec-WebSocket-Key`, a version other than 13)
    /// or a protocol other than `websocket`. NIO hands such a connection to the plain HTTP
    /// pipeline without its request head, so it is recognised there by a request that ends
    /// without one. 400, naming the version served (RFC 6455 §4.4).
    case headers

    /// The answer, checked in one place.
    var response: HTTPResponseSpec {
        switch self {
        case .policy(.origin):
            ControlUIEndpoints.originRefused
        case .policy(.host):
            ControlUIEndpoints.hostRefused
        case .method:
            .json(.methodNotAllowed, #"{"error":"a WebSocket upgrade must be a GET request"}"#)
        case .body:
            .json(.badRequest, #"{"error":"a WebSocket upgrade request must not have a body"}"#)
        case .headers:
            Self.invalidHeaders
        }
    }

    private static let invalidHeaders: HTTPResponseSpec = {
        var response = HTTPResponseSpec.json(
            .badRequest, #"{"error":"invalid WebSocket upgrade: send Upgrade: websocket, Sec-WebSocket-Key and Sec-WebSocket-Version: 13"}"#)
        response.headers.replaceOrAdd(name: "sec-websocket-version", value: "13")
        return response
    }()

    /// The refusal `head` earns before the Host and Origin checks, if any.
    static func framing(of head: HTTPRequestHead) -> UpgradeRefusal? {
        if head.method != .GET { return .method }
        let length = head.headers.first(name: "content-length").flatMap { Int($0.filter { $0 != " " && $0 != "\t" }) }
        if head.headers.contains(name: "transfer-encoding") || (length ?? 0) != 0 { return .body }
        return nil
    }
}

import NIOCore
import NIOHTTP1

/// A request as the gateway's HTTP endpoints see it: only GET/HEAD matter, so no body.
public struct HTTPRequestSummary: Sendable {
    public var method: HTTPMethod
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders

    init(_ head: HTTPRequestHead) {
        method = head.method
        headers = head.headers
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                guard let key = keyValue.first else { continue }
                query[String(key)] = keyValue.count > 1 ? String(keyValue[1]) : ""
            }
        }
        self.query = query
    }
}

/// A complete response: status, headers and body.
public struct HTTPResponseSpec: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus, contentType: String, body: ByteBuffer) {
        self.status = status
        self.headers = ["content-type": contentType, "cache-control": "no-store"]
        self.body = body
    }

    public static func json(_ status: HTTPResponseStatus, _ text: String) -> HTTPResponseSpec {
        HTTPResponseSpec(status: status, contentType: "application/json; charset=utf-8", body: ByteBuffer(string: text))
    }

    public static func text(_ status: HTTPResponseStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponseSpec {
        HTTPResponseSpec(status: status, contentType: contentType, body: ByteBuffer(string: text))
    }

    static let methodNotAllowed = json(.methodNotAllowed, #"{"error":"only GET and HEAD are served"}"#)
    static let notFound = json(.notFound, #"{"error":"not found"}"#)
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One HTTP response as a test looks at it: status, headers, body text.
struct HTTPReply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The first value of header `name`, ignoring case.
    func header(_ name: String) -> String? { headers.first(name: name) }

    /// Sends one request (no body) and reads the whole response.
    static func fetch(_ url: String, method: HTTPMethod = .GET, timeout: Duration = .seconds(10)) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
        let body = try await response.body.collect(upTo: 16 << 20)
        return HTTPReply(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// POSTs a JSON body and reads the whole response.
    static func post(_ url: String, json: String, timeout: Duration = .seconds(10)) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
        let body = try await response.body.collect(upTo: 16 << 20)
        return HTTPReply(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }
}

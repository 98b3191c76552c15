import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The client side of the simulator tests: plain HTTP calls on 127.0.0.1 through
/// AsyncHTTPClient, with every call bounded by a deadline.
enum SimulatorHTTP {
    static let deadline: TimeAmount = .seconds(15)

    static func url(_ port: Int, _ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    static func get(_ port: Int, _ path: String, method: HTTPMethod = .GET) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url(port, path))
        request.method = method
        return try await send(request)
    }

    static func post(_ port: Int, _ path: String, json: String) async throws -> TestResponse {
        try await send(postRequest(port, path, json: json))
    }

    static func postRequest(_ port: Int, _ path: String, json: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(port, path))
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        return request
    }

    static func send(_ request: HTTPClientRequest) async throws -> TestResponse {
        let response = try await HTTPClient.shared.execute(request, timeout: deadline)
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// Reads a streamed reply line by line until it ends or breaks; a break is reported, not thrown,
    /// so a test can assert on the lines that came before it.
    static func streamLines(_ request: HTTPClientRequest) async throws -> (lines: [String], brokeOff: Bool, headers: HTTPHeaders) {
        let response = try await HTTPClient.shared.execute(request, timeout: deadline)
        var lines: [String] = []
        var pending = ""
        do {
            for try await bytes in response.body {
                pending += String(buffer: bytes)
                while let newline = pending.firstIndex(of: "\n") {
                    lines.append(String(pending[..<newline]))
                    pending = String(pending[pending.index(after: newline)...])
                }
            }
        } catch {
            return (lines, true, response.headers)
        }
        if !pending.isEmpty { lines.append(pending) }
        return (lines, false, response.headers)
    }

    /// A JSON object from one line or body; nil when it is not one.
    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

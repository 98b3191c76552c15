import Foundation
import GeneratedProtocol
import NIOHTTP1

/// OpenAI's error replies: the status plus `{"error": {"message", "type", "param", "code"}}`.
struct OpenAIErrors: Sendable {
    let writer: ResponseWriter

    func send(
        _ status: HTTPResponseStatus, _ message: String, type: String = "invalid_request_error", code: String? = nil,
        retryAfter: String? = nil
    ) async throws {
        let error: JSONValue = [
            "message": .string(message), "type": .string(type), "param": nil, "code": code.map { .string($0) } ?? .null,
        ]
        var headers: [(String, String)] = []
        if let retryAfter { headers.append(("retry-after", retryAfter)) }
        try await writer.sendJSON(status: status, JSONValue.object(["error": error]), extraHeaders: headers)
    }

    /// Checks `Authorization: Bearer …` against the required key, answering 401 as OpenAI does.
    /// True when the request may go on.
    func authorize(_ head: HTTPRequestHead, key required: String?) async throws -> Bool {
        guard let required else { return true }
        guard let presented = Self.bearer(head) else {
            try await send(
                .unauthorized,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
            return false
        }
        guard presented == required else {
            try await send(
                .unauthorized,
                "Incorrect API key provided: \(Self.masked(presented)). You can find your API key at https://platform.openai.com/account/api-keys.",
                code: "invalid_api_key")
            return false
        }
        return true
    }

    /// The key of an `Authorization: Bearer …` header.
    static func bearer(_ head: HTTPRequestHead) -> String? {
        guard let value = head.headers.first(name: "authorization"), value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
    }

    /// OpenAI's way of echoing a wrong key: its start and end around asterisks.
    static func masked(_ key: String) -> String {
        key.count <= 8 ? "****" : String(key.prefix(3)) + "*****" + String(key.suffix(4))
    }

    /// The type and code OpenAI uses for an injected status, unless the behaviour names one.
    static func kind(forStatus status: Int) -> (type: String, code: String?) {
        switch status {
        case 429: ("requests", "rate_limit_exceeded")
        case 401: ("invalid_request_error", "invalid_api_key")
        case 400...499: ("invalid_request_error", nil)
        default: ("server_error", nil)
        }
    }
}

import GeneratedProtocol
import NIOHTTP1

/// Anthropic's error replies: the status plus `{"type": "error", "error": {"type", "message"},
/// "request_id"}`, and the header checks every Anthropic endpoint makes.
struct AnthropicErrors: Sendable {
    let writer: ResponseWriter

    func send(_ status: HTTPResponseStatus, type: String, _ message: String, retryAfter: String? = nil) async throws {
        let requestId = "req_" + FaceMessages.identifier()
        var headers: [(String, String)] = [("request-id", requestId)]
        if let retryAfter { headers.append(("retry-after", retryAfter)) }
        let body: JSONValue = ["type": "error", "error": ["type": .string(type), "message": .string(message)], "request_id": .string(requestId)]
        try await writer.sendJSON(status: status, body, extraHeaders: headers)
    }

    /// `anthropic-version` is required; `x-api-key` must match the required key. Answers 400 or
    /// 401 as Anthropic does; true when the request may go on.
    func check(_ head: HTTPRequestHead, key required: String?) async throws -> Bool {
        if let required {
            guard let presented = head.headers.first(name: "x-api-key") else {
                try await send(.unauthorized, type: "authentication_error", "x-api-key header is required")
                return false
            }
            guard presented == required else {
                try await send(.unauthorized, type: "authentication_error", "invalid x-api-key")
                return false
            }
        }
        guard head.headers.first(name: "anthropic-version") != nil else {
            try await send(.badRequest, type: "invalid_request_error", "anthropic-version: header is required")
            return false
        }
        return true
    }

    /// The error type Anthropic uses for a status, unless the behaviour names one.
    static func type(forStatus status: Int) -> String {
        switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        default: "api_error"
        }
    }

    static func defaultMessage(_ type: String) -> String {
        switch type {
        case "overloaded_error": "Overloaded"
        case "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit"
        case "api_error": "Internal server error"
        default: "simulated failure (\(type))"
        }
    }
}

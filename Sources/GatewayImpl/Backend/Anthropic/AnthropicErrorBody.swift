import Foundation

/// Anthropic's error shape, as a reply body and as the payload of an `error` event:
/// `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_…"}`.
struct AnthropicErrorBody: Decodable, Sendable {
    var error: Detail?

    struct Detail: Decodable, Sendable {
        var type: String?
        var message: String?
    }

    /// The type and message of an error body, for ``ProviderHTTPClient/failure(_:detail:)``.
    static func parse(_ data: Data) -> (type: String?, message: String?) {
        guard let body = try? JSONDecoder().decode(AnthropicErrorBody.self, from: data) else { return (nil, nil) }
        return (body.error?.type, body.error?.message)
    }

    /// The HTTP status Anthropic uses for an error type, for a failure reported inside a stream
    /// (which arrived with 200): what decides whether it is retried.
    static func status(ofType type: String?) -> Int? {
        switch type {
        case "overloaded_error": 529
        case "rate_limit_error": 429
        case "api_error": 500
        case "timeout_error": 504
        default: nil
        }
    }
}

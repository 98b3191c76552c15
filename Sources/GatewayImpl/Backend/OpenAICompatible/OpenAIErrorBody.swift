import Foundation

/// An error reply of an OpenAI-compatible server: OpenAI's `{"error": {...}}`, or the flat
/// `{"message": "..."}` / `{"detail": "..."}` some compatible servers send.
struct OpenAIErrorBody: Decodable, Sendable {
    var error: OpenAIErrorDetail?
    var message: String?
    var detail: String?

    private enum CodingKeys: String, CodingKey {
        case error, message, detail
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try? container.decodeIfPresent(OpenAIErrorDetail.self, forKey: .error)
        // `error` is sometimes a plain string.
        if error == nil, let text = try? container.decodeIfPresent(String.self, forKey: .error) {
            message = text
        }
        message = message ?? (try? container.decodeIfPresent(String.self, forKey: .message))
        detail = try? container.decodeIfPresent(String.self, forKey: .detail)
    }

    /// The type and message of an error body, for ``ProviderHTTPClient/failure(_:detail:)``.
    static func parse(_ data: Data) -> (type: String?, message: String?) {
        guard let body = try? JSONDecoder().decode(OpenAIErrorBody.self, from: data) else { return (nil, nil) }
        return (body.error?.kind, body.error?.message ?? body.message ?? body.detail)
    }
}

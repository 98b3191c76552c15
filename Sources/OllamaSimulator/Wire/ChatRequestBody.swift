import GeneratedProtocol

/// The body of `POST /api/chat`. Only what the simulator acts on or records is decoded;
/// other fields (`tools`, `format`, `think`, …) are accepted and ignored, as Ollama ignores
/// what a model does not support.
struct ChatRequestBody: Decodable, Sendable {
    var model: String?
    var messages: [ChatMessageBody]?
    var stream: Bool?
    var options: [String: JSONValue]?
    var keepAlive: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case stream
        case options
        case keepAlive = "keep_alive"
    }
}

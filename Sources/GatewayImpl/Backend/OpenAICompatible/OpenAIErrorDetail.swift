/// The `error` object of an OpenAI-style error body or stream event:
/// `{"message": "...", "type": "...", "param": null, "code": "..." | 400 | null}`.
/// vLLM sends `code` as a number, OpenAI as a string; both are read.
struct OpenAIErrorDetail: Decodable, Sendable {
    var message: String?
    var type: String?
    var code: String?

    private enum CodingKeys: String, CodingKey {
        case message, type, code
    }

    init(message: String? = nil, type: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.code = code
    }

    /// An `error` event whose payload has no `error` object.
    static let unknown = OpenAIErrorDetail()

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
            code = text
        } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
            code = String(number)
        }
    }

    /// The most specific kind: the code when it is a word (`invalid_api_key`), else the type.
    var kind: String? {
        if let code, Int(code) == nil { return code }
        return type
    }
}


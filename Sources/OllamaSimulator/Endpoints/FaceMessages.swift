import GeneratedProtocol

/// Reading chat messages as the OpenAI and Anthropic APIs send them: `content` is a string or
/// a list of parts, of which the `text` parts are joined.
enum FaceMessages {
    static func text(of content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?:
            return text
        case .array(let parts)?:
            return parts.compactMap { part in part["type"]?.stringValue == "text" ? part["text"]?.stringValue : nil }.joined()
        case .null?, nil:
            return ""
        default:
            return nil
        }
    }

    /// A 10-digit-ish id suffix that differs per request.
    static func identifier() -> String {
        String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    }
}

/// The body of `POST /api/chat`: always streamed; `options` only when something is set;
/// `keep_alive` as Ollama reads it.
struct OllamaChatRequestBody: Encodable, Sendable {
    var model: String
    var messages: [OllamaMessageBody]
    var options: ModelOptions

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case stream
        case options
        case keepAlive = "keep_alive"
    }

    enum OptionKeys: String, CodingKey {
        case numCtx = "num_ctx"
        case temperature
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(messages, forKey: .messages)
        try container.encode(true, forKey: .stream)
        if options.numCtx != nil || options.temperature?.isFinite == true {
            var nested = container.nestedContainer(keyedBy: OptionKeys.self, forKey: .options)
            try nested.encodeIfPresent(options.numCtx, forKey: .numCtx)
            // JSON has no NaN or infinity; such a temperature is treated as unset.
            try nested.encodeIfPresent(options.temperature.flatMap { $0.isFinite ? $0 : nil }, forKey: .temperature)
        }
        if let keepAlive = options.keepAlive {
            // Ollama reads a JSON number as seconds but parses a string as a Go duration, in
            // which a bare "-1" or "300" has no unit and is rejected; so whole numbers go as numbers.
            if let seconds = Int(keepAlive) {
                try container.encode(seconds, forKey: .keepAlive)
            } else {
                try container.encode(keepAlive, forKey: .keepAlive)
            }
        }
    }
}

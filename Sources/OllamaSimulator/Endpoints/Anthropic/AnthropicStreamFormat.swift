import GeneratedProtocol
import NIOCore

/// A streamed Messages API reply as Anthropic writes it: `message_start`,
/// `content_block_start`, a `ping`, one `content_block_delta` (`text_delta`) per piece,
/// `content_block_stop`, `message_delta` (stop reason, output tokens), `message_stop` — each as
/// `event: <type>` plus `data: {"type": "<type>", …}`.
struct AnthropicStreamFormat: EventStreamFormat {
    let id: String
    let model: String
    let inputTokens: Int

    var headers: [(String, String)] { [("request-id", "req_" + id.suffix(12))] }

    func opening() -> ByteBuffer {
        var buffer = Self.typed("message_start", [
            "message": [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": [],
                "stop_reason": nil, "stop_sequence": nil,
                "usage": ["input_tokens": .integer(inputTokens), "output_tokens": 1],
            ],
        ])
        var start = Self.typed("content_block_start", ["index": 0, "content_block": ["type": "text", "text": ""]])
        var ping = Self.typed("ping", [:])
        buffer.writeBuffer(&start)
        buffer.writeBuffer(&ping)
        return buffer
    }

    func piece(_ text: String) -> ByteBuffer {
        Self.typed("content_block_delta", ["index": 0, "delta": ["type": "text_delta", "text": .string(text)]])
    }

    func closing(outputTokens: Int, stopReason: String) -> ByteBuffer {
        var buffer = Self.typed("content_block_stop", ["index": 0])
        var delta = Self.typed("message_delta", [
            "delta": ["stop_reason": .string(stopReason == "length" ? "max_tokens" : "end_turn"), "stop_sequence": nil],
            "usage": ["output_tokens": .integer(outputTokens)],
        ])
        var stop = Self.typed("message_stop", [:])
        buffer.writeBuffer(&delta)
        buffer.writeBuffer(&stop)
        return buffer
    }

    func streamError(type: String?, message: String?) -> ByteBuffer {
        let errorType = type ?? "overloaded_error"
        return Self.typed("error", ["error": ["type": .string(errorType), "message": .string(message ?? AnthropicErrors.defaultMessage(errorType))]])
    }

    func malformed() -> ByteBuffer {
        Self.event("content_block_delta", ByteBuffer(string: #"{"type": "content_block_delta", "index": 0, "delta": "#))
    }

    /// `event: <type>` with `data: {"type": "<type>", …fields}`.
    static func typed(_ type: String, _ fields: [String: JSONValue]) -> ByteBuffer {
        var object = fields
        object["type"] = .string(type)
        return event(type, WireJSON.encode(JSONValue.object(object)))
    }
}

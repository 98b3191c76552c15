import Foundation
import GeneratedProtocol
import NIOCore

/// A streamed Chat Completion as OpenAI (and vLLM) writes it: `data: {chunk}` events of
/// `object: chat.completion.chunk` — the role first, then one content piece each, then
/// `finish_reason`, then (when `stream_options.include_usage` was asked) a usage chunk with no
/// choices, then `data: [DONE]`. With usage asked, every chunk carries `"usage": null`.
struct OpenAIStreamFormat: EventStreamFormat {
    let id: String
    let model: String
    let created: Int
    let includeUsage: Bool
    let promptTokens: Int

    var headers: [(String, String)] { [("x-request-id", "req_" + id.suffix(12))] }

    func opening() -> ByteBuffer {
        chunk(delta: ["role": "assistant", "content": "", "refusal": nil], finishReason: nil)
    }

    func piece(_ text: String) -> ByteBuffer {
        chunk(delta: ["content": .string(text)], finishReason: nil)
    }

    func closing(outputTokens: Int, stopReason: String) -> ByteBuffer {
        var buffer = chunk(delta: [:], finishReason: stopReason == "length" ? "length" : "stop")
        if includeUsage {
            var usage = envelope(choices: [])
            usage["usage"] = [
                "prompt_tokens": .integer(promptTokens), "completion_tokens": .integer(outputTokens),
                "total_tokens": .integer(promptTokens + outputTokens),
            ]
            var usageEvent = Self.event(nil, WireJSON.encode(JSONValue.object(usage)))
            buffer.writeBuffer(&usageEvent)
        }
        var done = Self.event(nil, ByteBuffer(string: "[DONE]"))
        buffer.writeBuffer(&done)
        return buffer
    }

    func streamError(type: String?, message: String?) -> ByteBuffer {
        let error: JSONValue = [
            "message": .string(message ?? "The server had an error while processing your request. Sorry about that!"),
            "type": .string(type ?? "server_error"), "param": nil, "code": nil,
        ]
        return Self.event(nil, WireJSON.encode(JSONValue.object(["error": error])))
    }

    func malformed() -> ByteBuffer {
        Self.event(nil, ByteBuffer(string: #"{"id": "\#(id)", "choices": [{"delta": "#))
    }

    private func chunk(delta: [String: JSONValue], finishReason: String?) -> ByteBuffer {
        let choice: JSONValue = [
            "index": 0, "delta": .object(delta), "logprobs": nil, "finish_reason": finishReason.map { .string($0) } ?? .null,
        ]
        var object = envelope(choices: [choice])
        if includeUsage { object["usage"] = .null }
        return Self.event(nil, WireJSON.encode(JSONValue.object(object)))
    }

    private func envelope(choices: [JSONValue]) -> [String: JSONValue] {
        [
            "id": .string(id), "object": "chat.completion.chunk", "created": .integer(created), "model": .string(model),
            "system_fingerprint": "fp_kubeclaw_sim", "choices": .array(choices),
        ]
    }
}

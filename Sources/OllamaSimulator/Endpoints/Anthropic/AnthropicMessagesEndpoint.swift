import Foundation
import GeneratedProtocol
import NIOCore
import NIOHTTP1

/// `POST /v1/messages`: validates like Anthropic (`x-api-key`, `anthropic-version`, JSON,
/// `model`, `max_tokens`, `messages` with only `user`/`assistant` roles, a known model),
/// records what was sent, then answers according to the behaviour — a paced event stream, one
/// `message` object, an injected error (429 with `Retry-After`, 529 `overloaded_error`, …), an
/// `error` event inside the stream, a broken event, a cut, or silence.
struct AnthropicMessagesEndpoint: Sendable {
    let state: SimulatorState
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter
    let liveness: ConnectionLiveness

    private var errors: AnthropicErrors { AnthropicErrors(writer: writer) }

    func handle(head: HTTPRequestHead, body: ByteBuffer) async throws -> ConnectionDisposition {
        let requestStart = ContinuousClock.now
        guard try await errors.check(head, key: behaviour.apiKey) else { return .keepOpen }
        guard let request = try? JSONValue.parse(Data(body.readableBytesView)), request.objectValue != nil else {
            try await errors.send(.badRequest, type: "invalid_request_error", "There was an issue with the JSON body of your request.")
            return .keepOpen
        }
        guard let modelName = request["model"]?.stringValue, !modelName.isEmpty else {
            try await errors.send(.badRequest, type: "invalid_request_error", "model: Field required")
            return .keepOpen
        }
        guard let maxTokens = request["max_tokens"]?.intValue, maxTokens >= 1 else {
            try await errors.send(.badRequest, type: "invalid_request_error", "max_tokens: Field required")
            return .keepOpen
        }
        guard let rawMessages = request["messages"]?.arrayValue, !rawMessages.isEmpty else {
            try await errors.send(.badRequest, type: "invalid_request_error", "messages: at least one message is required")
            return .keepOpen
        }
        var messages: [ChatMessageBody] = []
        for (index, message) in rawMessages.enumerated() {
            guard let role = message["role"]?.stringValue, role == "user" || role == "assistant" else {
                try await errors.send(
                    .badRequest, type: "invalid_request_error", "messages.\(index).role: Input should be 'user' or 'assistant'")
                return .keepOpen
            }
            guard let text = FaceMessages.text(of: message["content"]) else {
                try await errors.send(.badRequest, type: "invalid_request_error", "messages.\(index).content: Input should be a valid list")
                return .keepOpen
            }
            messages.append(ChatMessageBody(role: role, content: text))
        }
        let system = FaceMessages.text(of: request["system"])
        var options: [String: JSONValue] = ["max_tokens": .integer(maxTokens)]
        if let temperature = request["temperature"] { options["temperature"] = temperature }
        state.recordChatRequest(RecordedChatRequest(
            model: modelName, messages: messages.map { RecordedMessage(role: $0.role, content: $0.content) }, options: options,
            stream: request["stream"]?.boolValue, api: SimulatorAPI.anthropic.rawValue,
            system: request["system"] == nil ? nil : system, apiKey: head.headers.first(name: "x-api-key"),
            anthropicVersion: head.headers.first(name: "anthropic-version")))
        guard let model = behaviour.model(named: modelName) else {
            try await errors.send(.notFound, type: "not_found_error", "model: \(modelName)")
            return .keepOpen
        }
        state.chatStarted()
        if let status = behaviour.errorStatus, state.claimInjectedError() {
            state.chatFailed()
            let type = behaviour.errorType ?? AnthropicErrors.type(forStatus: status)
            try await errors.send(
                HTTPResponseStatus(statusCode: status), type: type, behaviour.errorMessage ?? AnthropicErrors.defaultMessage(type),
                retryAfter: behaviour.retryAfter)
            return .keepOpen
        }

        let generation = ChatGeneration(
            model: model.name, messages: messages, options: ["num_predict": .integer(maxTokens)], behaviour: behaviour)
        let id = "msg_sim" + FaceMessages.identifier()
        let streamed = request["stream"]?.boolValue ?? false
        return try await StreamedChat(state: state, liveness: liveness).run(hang: behaviour.hang) {
            if streamed {
                let format = AnthropicStreamFormat(id: id, model: modelName, inputTokens: generation.promptTokens)
                return try await EventStreamReply(generation: generation, behaviour: behaviour, writer: writer)
                    .stream(format, requestStart: requestStart)
            }
            let pacing = PacingSchedule(
                start: requestStart, firstTokenDelay: behaviour.timeToFirstToken, tokensPerSecond: behaviour.tokensPerSecond)
            try await pacing.wait(forToken: max(0, generation.tokens.count - 1))
            if let cut = behaviour.cutAfterChunks, cut <= generation.tokens.count { return .close }
            let message: JSONValue = [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(modelName),
                "content": [["type": "text", "text": .string(generation.text)]],
                "stop_reason": .string(generation.doneReason == "length" ? "max_tokens" : "end_turn"), "stop_sequence": nil,
                "usage": ["input_tokens": .integer(generation.promptTokens), "output_tokens": .integer(generation.tokens.count)],
            ]
            try await writer.sendJSON(message)
            return .keepOpen
        }
    }
}

import Foundation
import GeneratedProtocol
import NIOCore
import NIOHTTP1

/// `POST /v1/chat/completions`: validates like OpenAI (key, JSON, `model`, `messages`, a known
/// model), records what was sent, then answers according to the behaviour — a paced event
/// stream, one `chat.completion` object, an injected error with `Retry-After`, an error or a
/// broken event inside the stream, a cut, or silence.
struct OpenAIChatEndpoint: Sendable {
    let state: SimulatorState
    let behaviour: SimulatorBehaviour
    let writer: ResponseWriter
    let liveness: ConnectionLiveness

    private var errors: OpenAIErrors { OpenAIErrors(writer: writer) }

    func handle(head: HTTPRequestHead, body: ByteBuffer) async throws -> ConnectionDisposition {
        let requestStart = ContinuousClock.now
        guard try await errors.authorize(head, key: behaviour.apiKey) else { return .keepOpen }
        guard let request = try? JSONValue.parse(Data(body.readableBytesView)), request.objectValue != nil else {
            try await errors.send(
                .badRequest,
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
            return .keepOpen
        }
        guard let modelName = request["model"]?.stringValue, !modelName.isEmpty else {
            try await errors.send(.badRequest, "you must provide a model parameter")
            return .keepOpen
        }
        guard let rawMessages = request["messages"]?.arrayValue, !rawMessages.isEmpty else {
            try await errors.send(.badRequest, "[] is too short - 'messages'", code: "empty_array")
            return .keepOpen
        }
        var messages: [ChatMessageBody] = []
        for (index, message) in rawMessages.enumerated() {
            guard let role = message["role"]?.stringValue, let text = FaceMessages.text(of: message["content"]) else {
                try await errors.send(.badRequest, "Invalid value for 'messages[\(index)]'.")
                return .keepOpen
            }
            messages.append(ChatMessageBody(role: role, content: text))
        }
        var options: [String: JSONValue] = [:]
        for key in ["temperature", "max_tokens", "max_completion_tokens", "stream_options"] {
            if let value = request[key] { options[key] = value }
        }
        let streamed = request["stream"]?.boolValue ?? false
        state.recordChatRequest(RecordedChatRequest(
            model: modelName, messages: messages.map { RecordedMessage(role: $0.role, content: $0.content) }, options: options,
            stream: request["stream"]?.boolValue, api: SimulatorAPI.openAI.rawValue, apiKey: OpenAIErrors.bearer(head)))
        guard let model = behaviour.model(named: modelName) else {
            try await errors.send(
                .notFound, "The model `\(modelName)` does not exist or you do not have access to it.", code: "model_not_found")
            return .keepOpen
        }
        state.chatStarted()
        if let status = behaviour.errorStatus, state.claimInjectedError() {
            state.chatFailed()
            let kind = OpenAIErrors.kind(forStatus: status)
            try await errors.send(
                HTTPResponseStatus(statusCode: status), behaviour.errorMessage ?? "simulated failure (HTTP \(status))",
                type: behaviour.errorType ?? kind.type, code: behaviour.errorType == nil ? kind.code : nil,
                retryAfter: behaviour.retryAfter)
            return .keepOpen
        }

        let limit = (options["max_completion_tokens"] ?? options["max_tokens"]).map { ["num_predict": $0] } ?? [:]
        let generation = ChatGeneration(model: model.name, messages: messages, options: limit, behaviour: behaviour)
        let id = "chatcmpl-" + FaceMessages.identifier()
        let created = Int(Date().timeIntervalSince1970)
        return try await StreamedChat(state: state, liveness: liveness).run(hang: behaviour.hang) {
            if streamed {
                let format = OpenAIStreamFormat(
                    id: id, model: modelName, created: created,
                    includeUsage: request["stream_options"]?["include_usage"]?.boolValue ?? false,
                    promptTokens: generation.promptTokens)
                return try await EventStreamReply(generation: generation, behaviour: behaviour, writer: writer)
                    .stream(format, requestStart: requestStart)
            }
            return try await answerWhole(generation, id: id, model: modelName, created: created, requestStart: requestStart)
        }
    }

    /// `stream: false` (OpenAI's default): the same time spent generating, then one object.
    private func answerWhole(
        _ generation: ChatGeneration, id: String, model: String, created: Int, requestStart: ContinuousClock.Instant
    ) async throws -> ConnectionDisposition {
        let pacing = PacingSchedule(
            start: requestStart, firstTokenDelay: behaviour.timeToFirstToken, tokensPerSecond: behaviour.tokensPerSecond)
        try await pacing.wait(forToken: max(0, generation.tokens.count - 1))
        if let cut = behaviour.cutAfterChunks, cut <= generation.tokens.count { return .close }
        let completionTokens = generation.tokens.count
        let body: JSONValue = [
            "id": .string(id), "object": "chat.completion", "created": .integer(created), "model": .string(model),
            "system_fingerprint": "fp_kubeclaw_sim",
            "choices": [[
                "index": 0, "message": ["role": "assistant", "content": .string(generation.text), "refusal": nil],
                "logprobs": nil, "finish_reason": .string(generation.doneReason == "length" ? "length" : "stop"),
            ]],
            "usage": [
                "prompt_tokens": .integer(generation.promptTokens), "completion_tokens": .integer(completionTokens),
                "total_tokens": .integer(generation.promptTokens + completionTokens),
            ],
        ]
        try await writer.sendJSON(body)
        return .keepOpen
    }
}

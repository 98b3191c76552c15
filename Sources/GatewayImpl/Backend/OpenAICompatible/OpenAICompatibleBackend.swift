import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// ``ModelBackend`` for OpenAI's Chat Completions API and every server that speaks it (vLLM,
/// llama.cpp's server, LM Studio, LiteLLM, OpenRouter): `POST {baseURL}/chat/completions` with
/// `stream: true`, read as Server-Sent Events as the bytes arrive, and `GET {baseURL}/models`.
///
/// The key goes in `Authorization: Bearer …`, and only to the configured base URL (redirects
/// are refused). Failures are ``ModelBackendError``s carrying the server's scrubbed message;
/// nothing waits without a bound (connect timeout, metadata deadline, first-token and idle
/// timeouts, reply, line and event size caps). Cancelling the calling task closes the connection.
public final class OpenAICompatibleBackend: ModelBackend {
    public let configuration: ProviderConfiguration
    private let http: ProviderHTTPClient

    /// - Throws: ``ModelBackendError/unreachable(_:)`` when the base URL is not usable.
    public init(configuration: ProviderConfiguration, logger: Logger = Logger(label: "kubeclaw.backend.openai")) throws {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        self.configuration = configuration
        self.http = try ProviderHTTPClient(configuration: configuration, headers: headers, logger: logger)
    }

    /// `host[:port]` of the server, for logs and status; never credentials.
    public var endpointDescription: String { http.endpoint.displayHost }

    /// OpenAI itself reads `max_completion_tokens` (and refuses `max_tokens` for reasoning
    /// models); compatible servers read `max_tokens`.
    private var maxTokensKey: OpenAIChatRequestBody.MaxTokensKey {
        http.endpoint.host.hasSuffix("openai.com") ? .maxCompletionTokens : .maxTokens
    }

    // MARK: ModelBackend

    public func chat(_ request: ModelChatRequest, onDelta: @Sendable (String) async -> Void) async throws -> ModelChatCompletion {
        let body = OpenAIChatRequestBody(
            model: request.model, messages: request.messages.map { OpenAIMessageBody(role: $0.role, content: $0.content) },
            includeUsage: configuration.streamUsage, temperature: request.options.temperature,
            maxTokens: configuration.maxTokens, maxTokensKey: maxTokensKey)
        let httpRequest = try http.request("/chat/completions", method: .POST, json: body, accept: "text/event-stream")
        return try await StreamWatchdog.guarding(request, onDelta: onDelta) { watchdog, onDelta in
            try await self.stream(httpRequest, watchdog: watchdog, onDelta: onDelta)
        }
    }

    public func listModels() async throws -> [ModelSummary] {
        let list = try await http.fetchJSON(
            http.request("/models", method: .GET), as: OpenAIModelList.self, failureDetail: OpenAIErrorBody.parse)
        let officialOpenAI = http.endpoint.host == "api.openai.com"
        return list.data
            .filter { !officialOpenAI || Self.isChatModel($0.id) }
            .map { ModelSummary(name: $0.id, contextLength: $0.window, provider: configuration.name) }
    }

    public func showModel(_ name: String) async throws -> ModelSummary {
        guard let model = try await listModels().first(where: { $0.name == name }) else {
            throw ModelBackendError.upstream(UpstreamFailure(
                provider: configuration.name, status: 404, type: "model_not_found",
                detail: "the server does not list the model \(name)"))
        }
        return model
    }

    public func version() async throws -> String {
        "openai-completions"
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Streaming

    private func stream(
        _ httpRequest: HTTPClientRequest, watchdog: StreamWatchdog, onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        var accumulator = OpenAIStreamAccumulator(
            provider: configuration.name, scrubber: http.scrubber, maxReplyBytes: configuration.maxReplyBytes)
        return try await http.streamReply(
            httpRequest, watchdog: watchdog, onDelta: onDelta, failureDetail: OpenAIErrorBody.parse,
            consume: { event throws(ModelBackendError) in try accumulator.consume(event) },
            atEnd: { () throws(ModelBackendError) in try accumulator.atEnd() })
    }

    /// OpenAI's catalog also lists embedding, audio, image and moderation models; only chat
    /// models belong in a chat gateway's model picker.
    static func isChatModel(_ id: String) -> Bool {
        let lowered = id.lowercased()
        let nonChat = [
            "embedding", "whisper", "tts", "dall-e", "moderation", "davinci", "babbage", "realtime", "audio", "transcribe",
            "image", "search", "computer-use", "sora",
        ]
        return !nonChat.contains { lowered.contains($0) }
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// ``ModelBackend`` for Anthropic's Messages API: `POST {baseURL}/v1/messages` with
/// `stream: true`, read as Server-Sent Events as the bytes arrive (`message_start`,
/// `content_block_*`, `message_delta`, `message_stop`, `ping`, `error`), and `GET /v1/models`.
///
/// Every request carries `x-api-key` and `anthropic-version`, and goes only to the configured
/// base URL (redirects are refused). Failures are ``ModelBackendError``s carrying Anthropic's
/// scrubbed message — an `overloaded_error` inside the stream included; nothing waits without a
/// bound. Cancelling the calling task closes the connection.
public final class AnthropicBackend: ModelBackend {
    public let configuration: ProviderConfiguration
    private let http: ProviderHTTPClient

    /// - Throws: ``ModelBackendError/unreachable(_:)`` when the base URL is not usable.
    public init(configuration: ProviderConfiguration, logger: Logger = Logger(label: "kubeclaw.backend.anthropic")) throws {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey { headers.add(name: "x-api-key", value: key) }
        headers.add(name: "anthropic-version", value: configuration.anthropicVersion)
        self.configuration = configuration
        self.http = try ProviderHTTPClient(configuration: configuration, headers: headers, logger: logger)
    }

    /// `host[:port]` of the API, for logs and status; never credentials.
    public var endpointDescription: String { http.endpoint.displayHost }

    // MARK: ModelBackend

    public func chat(_ request: ModelChatRequest, onDelta: @Sendable (String) async -> Void) async throws -> ModelChatCompletion {
        let body = AnthropicMessagesRequestBody(request: request, maxTokens: configuration.maxTokens ?? 8192)
        guard !body.messages.isEmpty else {
            throw ModelBackendError.malformedResponse("the conversation has no user message to send")
        }
        let httpRequest = try http.request("/v1/messages", method: .POST, json: body, accept: "text/event-stream")
        return try await StreamWatchdog.guarding(request, onDelta: onDelta) { watchdog, onDelta in
            try await self.stream(httpRequest, watchdog: watchdog, onDelta: onDelta)
        }
    }

    /// Every page of `/v1/models` (at most 10 pages of 1000).
    public func listModels() async throws -> [ModelSummary] {
        var models: [ModelSummary] = []
        var after: String?
        for _ in 0..<10 {
            var path = "/v1/models?limit=1000"
            if let after, let encoded = after.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) {
                path += "&after_id=\(encoded)"
            }
            let page = try await http.fetchJSON(
                http.request(path, method: .GET), as: AnthropicModelList.self, failureDetail: AnthropicErrorBody.parse)
            models += page.data.map {
                ModelSummary(name: $0.id, contextLength: $0.maxInputTokens, provider: configuration.name, displayName: $0.displayName)
            }
            guard page.hasMore == true, let last = page.lastId, last != after else { break }
            after = last
        }
        return models
    }

    public func showModel(_ name: String) async throws -> ModelSummary {
        guard let model = try await listModels().first(where: { $0.name == name }) else {
            throw ModelBackendError.upstream(UpstreamFailure(
                provider: configuration.name, status: 404, type: "not_found_error", detail: "model: \(name)"))
        }
        return model
    }

    public func version() async throws -> String {
        configuration.anthropicVersion
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Streaming

    private func stream(
        _ httpRequest: HTTPClientRequest, watchdog: StreamWatchdog, onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        var accumulator = AnthropicStreamAccumulator(
            provider: configuration.name, scrubber: http.scrubber, maxReplyBytes: configuration.maxReplyBytes)
        return try await http.streamReply(
            httpRequest, watchdog: watchdog, onDelta: onDelta, failureDetail: AnthropicErrorBody.parse,
            consume: { event throws(ModelBackendError) in try accumulator.consume(event) },
            atEnd: { () throws(ModelBackendError) in throw .streamEndedEarly })
    }
}

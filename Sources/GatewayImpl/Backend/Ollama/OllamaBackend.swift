import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// ``ModelBackend`` for Ollama's native API (`/api/chat`, `/api/tags`, `/api/show`,
/// `/api/version`) over one shared HTTP client, which ``shutdown()`` releases.
///
/// Replies are streamed: the NDJSON body is cut into lines as bytes arrive, each line is
/// decoded on its own, and each content piece goes to `onDelta` before the next is read.
/// Nothing waits without a bound: connecting has `connectTimeout`, metadata calls have
/// `metadataTimeout`, and a chat races a watchdog enforcing the request's first-token and
/// idle timeouts.
public final class OllamaBackend: ModelBackend {
    private let address: OllamaAddress
    private let configuration: OllamaBackendConfiguration
    private let client: HTTPClient
    private let logger: Logger

    /// - Parameter baseURL: Where Ollama listens: a URL (`http://127.0.0.1:11434`) or any
    ///   form `OLLAMA_HOST` accepts (`127.0.0.1:11434`, `0.0.0.0`, `[::1]`, empty for the default).
    /// - Throws: ``ModelBackendError/unreachable(_:)`` when `baseURL` is not a usable address.
    public init(
        baseURL: String,
        configuration: OllamaBackendConfiguration = OllamaBackendConfiguration(),
        logger: Logger = Logger(label: "kubeclaw.backend.ollama")
    ) throws {
        // Parsed before the client exists, so a bad address leaves nothing to shut down.
        self.address = try OllamaAddress(parsing: baseURL)
        self.configuration = configuration
        self.logger = logger
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout = HTTPClient.Configuration.Timeout(
            connect: HTTPFailure.timeAmount(configuration.connectTimeout)
        )
        clientConfiguration.connectionPool.retryConnectionEstablishment = configuration.retryConnectionEstablishment
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, configuration.maxConnections)
        clientConfiguration.redirectConfiguration = .disallow
        self.client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: clientConfiguration,
            backgroundActivityLogger: logger
        )
    }

    /// `host:port` of the Ollama this backend talks to, for logs; never includes credentials.
    public var endpointDescription: String {
        address.displayName
    }

    // MARK: ModelBackend

    public func chat(
        _ request: ModelChatRequest,
        onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        let body = OllamaChatRequestBody(
            model: request.model,
            messages: request.messages.map { OllamaMessageBody(role: $0.role, content: $0.content) },
            options: request.options
        )
        let httpRequest = try makeRequest(path: "/api/chat", method: .POST, json: body, accept: "application/x-ndjson")
        return try await StreamWatchdog.guarding(request, onDelta: onDelta) { watchdog, onDelta in
            try await self.streamChat(httpRequest, model: request.model, watchdog: watchdog, onDelta: onDelta)
        }
    }

    public func listModels() async throws -> [ModelSummary] {
        let tags = try await fetchJSON(makeRequest(path: "/api/tags", method: .GET), as: OllamaTagsBody.self)
        return (tags.models ?? []).compactMap { entry in
            guard let name = entry.name ?? entry.model, !name.isEmpty else { return nil }
            return ModelSummary(name: name, family: entry.details?.family, parameterSize: entry.details?.parameterSize)
        }
    }

    public func showModel(_ name: String) async throws -> ModelSummary {
        let request = try makeRequest(path: "/api/show", method: .POST, json: OllamaModelNameBody(model: name))
        let show = try await fetchJSON(request, as: OllamaShowBody.self, model: name)
        return ModelSummary(
            name: name,
            family: show.details?.family,
            parameterSize: show.details?.parameterSize,
            contextLength: show.contextLength
        )
    }

    public func version() async throws -> String {
        try await fetchJSON(makeRequest(path: "/api/version", method: .GET), as: OllamaVersionBody.self).version
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    // MARK: Streaming

    private func streamChat(
        _ httpRequest: HTTPClientRequest,
        model: String,
        watchdog: StreamWatchdog,
        onDelta: @Sendable (String) async -> Void
    ) async throws -> ModelChatCompletion {
        // No overall deadline: a long reply is fine as long as it keeps coming; the watchdog bounds the gaps.
        let response = try await send(httpRequest, deadline: .distantFuture)
        guard response.status == .ok else {
            throw await statusError(response, model: model)
        }
        var splitter = NDJSONLineSplitter(maxLineBytes: configuration.maxLineBytes)
        var accumulator = OllamaChatAccumulator()
        do {
            for try await bytes in response.body {
                splitter.append(bytes)
                while let line = try splitter.nextLine() {
                    watchdog.madeProgress()
                    let (delta, completion) = try accumulator.consume(line)
                    if let delta { await onDelta(delta) }
                    if let completion { return completion }
                }
            }
        } catch let error as ModelBackendError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            logger.debug("reply stream broke", metadata: ["error": "\(error)"])
            throw ModelBackendError.streamEndedEarly
        }
        // A last line without its newline still counts.
        if let last = splitter.finish() {
            let (delta, completion) = try accumulator.consume(last)
            if let delta { await onDelta(delta) }
            if let completion { return completion }
        }
        throw ModelBackendError.streamEndedEarly
    }

    // MARK: HTTP

    private func makeRequest(
        path: String,
        method: HTTPMethod,
        json: (any Encodable)? = nil,
        accept: String = "application/json"
    ) throws(ModelBackendError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: address.url(path))
        request.method = method
        request.headers.add(name: "accept", value: accept)
        if let authorization = address.authorization {
            request.headers.add(name: "authorization", value: authorization)
        }
        if let json {
            guard let data = try? JSONEncoder().encode(json) else {
                throw .malformedResponse("the request for \(path) could not be encoded")
            }
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        return request
    }

    /// Sends a request and waits for the response head; failures to get one are `unreachable`.
    private func send(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request, deadline: deadline, logger: logger)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw ModelBackendError.unreachable(describeConnectionFailure(error))
        }
    }

    /// A small JSON call: bounded in time by `metadataTimeout` and in size by `maxBodyBytes`.
    private func fetchJSON<Body: Decodable>(
        _ request: HTTPClientRequest,
        as type: Body.Type,
        model: String? = nil
    ) async throws -> Body {
        let response = try await send(request, deadline: .now() + HTTPFailure.timeAmount(configuration.metadataTimeout))
        guard response.status == .ok else {
            throw await statusError(response, model: model)
        }
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ModelBackendError.malformedResponse("the reply is larger than \(configuration.maxBodyBytes) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw ModelBackendError.unreachable(describeConnectionFailure(error))
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes.readableBytesView))
        } catch {
            throw ModelBackendError.malformedResponse("the reply is not the JSON Ollama sends")
        }
    }

    /// Maps a non-200 reply: Ollama's 404 with "… not found" is a missing model; anything
    /// else keeps its status and Ollama's `error` text (or the start of the body).
    private func statusError(_ response: HTTPClientResponse, model: String?) async -> ModelBackendError {
        let status = Int(response.status.code)
        let body = try? await response.body.collect(upTo: 64 * 1024)
        let bodyText = body.map { String(buffer: $0) }
        let ollamaMessage = body.flatMap {
            try? JSONDecoder().decode(OllamaErrorBody.self, from: Data($0.readableBytesView)).error
        }
        if status == 404, let model, let ollamaMessage, ollamaMessage.contains("not found") {
            return .modelNotFound(model)
        }
        let text = ollamaMessage ?? HTTPFailure.excerpt(bodyText) ?? response.status.reasonPhrase
        return .httpStatus(status, text)
    }

    private func describeConnectionFailure(_ error: any Error) -> String {
        HTTPFailure.describeConnection(error, target: address.displayName, hint: "is Ollama running?")
    }
}

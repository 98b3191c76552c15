import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP side the hosted-provider backends share: one `HTTPClient` with the provider's
/// limits, requests with its authentication headers, small JSON calls bounded in time and
/// size, error replies turned into ``UpstreamFailure`` (scrubbed), and an event stream read
/// through ``ServerSentEventParser``.
struct ProviderHTTPClient: Sendable {
    let configuration: ProviderConfiguration
    let endpoint: ProviderEndpoint
    let client: HTTPClient
    let logger: Logger
    let scrubber: SecretScrubber
    /// Headers every request carries (authentication, API version).
    let headers: HTTPHeaders

    init(configuration: ProviderConfiguration, headers: HTTPHeaders, logger: Logger) throws(ModelBackendError) {
        do throws(ProviderEndpointError) {
            self.endpoint = try ProviderEndpoint(parsing: configuration.baseURL)
        } catch {
            throw .unreachable("the base URL of provider \"\(configuration.name)\" \(error.reason)")
        }
        self.configuration = configuration
        self.headers = headers
        self.logger = logger
        self.scrubber = SecretScrubber(secrets: [configuration.apiKey].compactMap { $0 })
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout = HTTPClient.Configuration.Timeout(connect: HTTPFailure.timeAmount(configuration.connectTimeout))
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, configuration.maxConnections)
        // A redirect could carry the key to another host; providers do not redirect API calls.
        clientConfiguration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration, backgroundActivityLogger: logger)
    }

    var name: String { configuration.name }

    func shutdown() async throws {
        try await client.shutdown()
    }

    // MARK: Requests

    func request(_ path: String, method: HTTPMethod, json: (any Encodable)? = nil, accept: String = "application/json")
        throws(ModelBackendError) -> HTTPClientRequest
    {
        var request = HTTPClientRequest(url: endpoint.url(path))
        request.method = method
        request.headers = headers
        request.headers.replaceOrAdd(name: "accept", value: accept)
        if let json {
            guard let data = try? JSONEncoder().encode(json) else {
                throw .malformedResponse("the request for \(path) could not be encoded")
            }
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        return request
    }

    /// Sends a request and waits for the response head; failing to get one is `unreachable`.
    func send(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request, deadline: deadline, logger: logger)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw ModelBackendError.unreachable(
                HTTPFailure.describeConnection(error, target: endpoint.displayHost, hint: "is the \(name) server running?"))
        }
    }

    /// A small JSON call bounded by `metadataTimeout` and `maxBodyBytes`; an error status is an
    /// ``UpstreamFailure`` read by `failureDetail`.
    func fetchJSON<Body: Decodable>(
        _ request: HTTPClientRequest, as type: Body.Type, maxBytes: Int = 8 << 20,
        failureDetail: @Sendable (Data) -> (type: String?, message: String?)
    ) async throws -> Body {
        let response = try await send(request, deadline: .now() + HTTPFailure.timeAmount(configuration.metadataTimeout))
        guard response.status == .ok else {
            throw ModelBackendError.upstream(await failure(response, detail: failureDetail))
        }
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw ModelBackendError.malformedResponse("the reply is larger than \(maxBytes) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw ModelBackendError.streamEndedEarly
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes.readableBytesView))
        } catch {
            throw ModelBackendError.malformedResponse("the reply of \(name) is not the JSON its API sends")
        }
    }

    /// An error reply as a failure: status, the provider's type and message (or the start of the
    /// body), `Retry-After` and `x-should-retry` — all text scrubbed.
    func failure(_ response: HTTPClientResponse, detail: @Sendable (Data) -> (type: String?, message: String?)) async -> UpstreamFailure {
        let body = try? await response.body.collect(upTo: 64 * 1024)
        let data = body.map { Data($0.readableBytesView) } ?? Data()
        let parsed = detail(data)
        let text = parsed.message ?? HTTPFailure.excerpt(body.map { String(buffer: $0) }) ?? response.status.reasonPhrase
        return UpstreamFailure(
            provider: name, status: Int(response.status.code), type: parsed.type.map { scrubber.scrub($0) },
            detail: scrubber.scrub(text), retryAfterSeconds: RetryAfter.seconds(in: response.headers),
            shouldRetry: RetryAfter.shouldRetry(in: response.headers))
    }

    // MARK: Event streams

    /// Sends a streamed request and reads the reply as an event stream: each event goes to
    /// `consume`, its text to `onDelta`, and text or reasoning counts as progress for the
    /// watchdog. An error status is an ``UpstreamFailure`` read by `failureDetail`; a stream that
    /// breaks is `streamEndedEarly`; one that ends before `consume` says `done` asks `atEnd`
    /// (which may accept what came, or throw).
    func streamReply(
        _ request: HTTPClientRequest,
        watchdog: StreamWatchdog,
        onDelta: @Sendable (String) async -> Void,
        failureDetail: @Sendable (Data) -> (type: String?, message: String?),
        consume: (ServerSentEvent) throws(ModelBackendError) -> StreamStep,
        atEnd: () throws(ModelBackendError) -> ModelChatCompletion
    ) async throws -> ModelChatCompletion {
        // No overall deadline: a long reply is fine while it keeps coming; the watchdog bounds the gaps.
        let response = try await send(request, deadline: .distantFuture)
        guard response.status == .ok else {
            throw ModelBackendError.upstream(await failure(response, detail: failureDetail))
        }
        var parser = ServerSentEventParser(maxLineBytes: configuration.maxLineBytes, maxEventBytes: configuration.maxEventBytes)
        func handle(_ event: ServerSentEvent) async throws -> ModelChatCompletion? {
            switch try consume(event) {
            case .text(let text):
                watchdog.madeProgress()
                await onDelta(text)
            case .progress:
                watchdog.madeProgress()
            case .nothing:
                break
            case .done(let completion):
                return completion
            }
            return nil
        }
        do {
            for try await bytes in response.body {
                parser.append(bytes)
                while let event = try parser.next() {
                    if let completion = try await handle(event) { return completion }
                }
            }
        } catch let error as ModelBackendError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            logger.debug("reply stream broke", metadata: ["provider": "\(name)", "error": "\(error)"])
            throw ModelBackendError.streamEndedEarly
        }
        while let event = try parser.finish() {
            if let completion = try await handle(event) { return completion }
        }
        return try atEnd()
    }

}

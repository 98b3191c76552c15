import Foundation
import GeneratedProtocol
import NIOCore
import NIOPosix
import Locking

/// A client of the OpenClaw gateway protocol (v3) on one ``WebSocketConnection``: the
/// `connect.challenge` → `connect` → `hello-ok` handshake, requests matched to responses by id
/// (responses may arrive in any order), and every server frame surfaced in order with its raw text.
///
/// It speaks only the public protocol, so it works against any OpenClaw-compatible gateway.
/// Decoding is tolerant: each message is parsed as plain JSON first and typed afterwards; what
/// does not decode is reported (``protocolViolations``, ``frames``), never fatal.
///
/// ```swift
/// let (session, challenge) = try await GatewaySession.open(url: url)
/// let hello = try await session.connect(params)
/// let health: JSONValue = try await session.call(.health, params: HealthParams())
/// await session.close()
/// ```
public final class GatewaySession: Sendable {
    /// The transport, for raw frames (``WebSocketConnection/send(frame:masked:)``) and
    /// ``WebSocketConnection/pauseReading()``. Do not call its `receive`: the session reads.
    public let connection: WebSocketConnection

    /// The server's first frame when it was `connect.challenge` within the challenge timeout.
    public let challenge: ReceivedEvent?

    private let inbox: SessionInbox
    private let readerTask: Task<Void, Never>
    private let configuration: GatewaySessionConfiguration
    private let helloOk = Locked<HelloOk?>(nil)

    private init(
        connection: WebSocketConnection,
        challenge: ReceivedEvent?,
        inbox: SessionInbox,
        readerTask: Task<Void, Never>,
        configuration: GatewaySessionConfiguration
    ) {
        self.connection = connection
        self.challenge = challenge
        self.inbox = inbox
        self.readerTask = readerTask
        self.configuration = configuration
    }

    /// Every event in arrival order, the challenge included. One consumer; finishes when the
    /// connection ends. Buffering: ``GatewaySessionConfiguration/eventBufferLimit``.
    public var events: AsyncStream<ReceivedEvent> { inbox.events }

    /// Every message the server sent, in order: events, responses (matched or not), malformed
    /// text and binary messages. One consumer; finishes when the connection ends.
    /// Buffering: ``GatewaySessionConfiguration/frameBufferLimit``.
    public var frames: AsyncStream<ReceivedFrame> { inbox.frames }

    /// Frames a correct server never sends (see ``ReceivedFrame/isProtocolViolation``), in order,
    /// at most ``GatewaySessionConfiguration/protocolViolationLimit`` of them.
    public var protocolViolations: [ReceivedFrame] { inbox.violations }

    /// How many protocol violations were seen, including those beyond the kept limit.
    public var protocolViolationCount: Int { inbox.violationCount }

    /// The `hello-ok` of a successful ``connect(_:id:timeout:)``.
    public var hello: HelloOk? { helloOk.withLock { $0 } }

    /// The status code of the server's close frame (see ``WebSocketConnection/closeCode``).
    public var closeCode: UInt16? { connection.closeCode }

    /// The reason of the server's close frame (see ``WebSocketConnection/closeReason``).
    public var closeReason: String? { connection.closeReason }

    // MARK: Opening

    /// Connects to the gateway and waits (at most
    /// ``GatewaySessionConfiguration/challengeTimeout``) for its first frame.
    ///
    /// - Returns: the session, and the `connect.challenge` event if that was the first frame in
    ///   time (nil otherwise; whatever came first is still in ``frames``).
    /// - Throws: ``WebSocketConnectionError`` when the connection or upgrade fails.
    public static func open(
        url: URL,
        headers: [(String, String)] = [],
        configuration: GatewaySessionConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> (GatewaySession, challenge: ReceivedEvent?) {
        let connection = try await WebSocketConnection.connect(
            to: url,
            headers: headers,
            configuration: configuration.webSocket,
            eventLoopGroup: eventLoopGroup
        )
        return await open(over: connection, configuration: configuration)
    }

    /// Starts a session on a connection nobody has received from yet, then waits for the
    /// challenge as ``open(url:headers:configuration:eventLoopGroup:)`` does.
    public static func open(
        over connection: WebSocketConnection,
        configuration: GatewaySessionConfiguration = .init()
    ) async -> (GatewaySession, challenge: ReceivedEvent?) {
        let inbox = SessionInbox(configuration: configuration)
        // Reserved before reading starts, so the first frame cannot slip past.
        _ = inbox.replies.reserve(.firstFrame)
        let reader = connection.reader
        let eventLoop = connection.eventLoop
        let readerTask = Task { await inbox.readAll(from: reader, on: eventLoop) }

        let first = try? await inbox.replies.wait(
            for: .firstFrame,
            timeout: TimeAmount(configuration.challengeTimeout),
            timeoutError: GatewayCallError.timedOut(method: EventName.connectChallenge.rawValue, id: ""),
            on: eventLoop
        )
        var challenge: ReceivedEvent?
        if let first, let event = first.event, event.event == EventName.connectChallenge.rawValue, let json = first.json {
            challenge = ReceivedEvent(frame: event, raw: first.raw, json: json, index: first.index, receivedAt: first.receivedAt)
        }
        let session = GatewaySession(
            connection: connection,
            challenge: challenge,
            inbox: inbox,
            readerTask: readerTask,
            configuration: configuration
        )
        return (session, challenge)
    }

    // MARK: Handshake

    /// Sends `connect` and returns its `hello-ok`, also kept in ``hello``.
    ///
    /// - Throws: ``GatewayCallError/rpc(_:id:)`` when the server refuses (it then closes the
    ///   socket, typically with 1008; see ``closeCode``), or another ``GatewayCallError``.
    public func connect(_ params: ConnectParams, id: String? = nil, timeout: Duration? = nil) async throws -> HelloOk {
        let response = try await rawConnect(params, id: id, timeout: timeout)
        let hello: HelloOk = try Self.result(of: response, method: MethodName.connect.rawValue)
        helloOk.withLock { $0 = hello }
        return hello
    }

    /// Sends `connect` and returns the response frame as it is, `ok` or not.
    public func rawConnect(_ params: ConnectParams, id: String? = nil, timeout: Duration? = nil) async throws -> ResponseFrame {
        try await request(MethodName.connect.rawValue, params: Self.json(params, method: .connect), id: id, timeout: timeout)
    }

    // MARK: Requests

    /// Sends a request and returns its response, `ok` or not. Any number may run concurrently.
    ///
    /// - Parameters:
    ///   - method: any string, known to the protocol or not (conformance sends unknown ones).
    ///   - params: omitted from the frame when nil.
    ///   - id: the request id; a fresh UUID when nil.
    ///   - timeout: ``GatewaySessionConfiguration/requestTimeout`` when nil.
    public func request(
        _ method: String,
        params: JSONValue? = nil,
        id: String? = nil,
        timeout: Duration? = nil
    ) async throws -> ResponseFrame {
        let frame = try await exchange(
            RequestFrame(id: id ?? Self.newRequestID(), method: method, params: params),
            timeout: timeout
        )
        guard let response = frame.response else { throw GatewayCallError.malformedResponse(frame) }
        return response
    }

    /// Sends a request frame and returns the frame that answered it, with its raw text.
    public func exchange(_ request: RequestFrame, timeout: Duration? = nil) async throws -> ReceivedFrame {
        let text: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(request), as: UTF8.self)
        } catch {
            throw GatewayCallError.unencodableParams(method: request.method, reason: "\(error)")
        }
        let key = ReplyKey.response(id: request.id)
        switch inbox.replies.reserve(key) {
        case .reserved: break
        case .duplicate: throw GatewayCallError.duplicateRequestID(request.id)
        case .closed(let error): throw error
        }
        do {
            try await connection.send(text: text)
        } catch {
            inbox.replies.release(key)
            throw GatewayCallError.connectionClosed(code: connection.closeCode, reason: connection.closeReason)
        }
        return try await inbox.replies.wait(
            for: key,
            timeout: TimeAmount(timeout ?? configuration.requestTimeout),
            timeoutError: GatewayCallError.timedOut(method: request.method, id: request.id),
            on: connection.eventLoop
        )
    }

    /// Calls a protocol method and decodes its result.
    ///
    /// - Throws: ``GatewayCallError/rpc(_:id:)`` for `ok: false`,
    ///   ``GatewayCallError/unexpectedPayload(method:id:reason:)`` when the payload is not a `Result`.
    public func call<Result: Decodable>(
        _ method: MethodName,
        params: some Encodable,
        as type: Result.Type = Result.self,
        timeout: Duration? = nil
    ) async throws -> Result {
        let response = try await request(method.rawValue, params: Self.json(params, method: method), timeout: timeout)
        return try Self.result(of: response, method: method.rawValue)
    }

    /// Sends the protocol's `cancel` frame (`{"type":"cancel","id":…}`): the gateway stops the
    /// request with this id if it still runs, and answers it with an error. A request that
    /// already timed out here gets no further answer (a late one shows up in ``frames``).
    public func cancel(id: String) async throws {
        let text: String
        do {
            text = String(decoding: try JSONEncoder().encode(CancelFrame(id: id)), as: UTF8.self)
        } catch {
            throw GatewayCallError.unencodableParams(method: "cancel", reason: "\(error)")
        }
        do {
            try await connection.send(text: text)
        } catch {
            throw GatewayCallError.connectionClosed(code: connection.closeCode, reason: connection.closeReason)
        }
    }

    /// Sends text as it is, for malformed or hand-written frames. Replies to it, if any, show up in
    /// ``frames`` (as unmatched responses).
    public func sendRaw(text: String) async throws {
        try await connection.send(text: text)
    }

    // MARK: Closing

    /// Closes the connection (see ``WebSocketConnection/close(code:reason:)``), fails pending
    /// requests and finishes ``events`` and ``frames``. Idempotent.
    public func close(code: UInt16 = 1000, reason: String = "") async {
        await connection.close(code: code, reason: reason)
        await readerTask.value
    }

    // MARK: Helpers

    private static func newRequestID() -> String {
        UUID().uuidString.lowercased()
    }

    private static func json(_ params: some Encodable, method: MethodName) throws -> JSONValue {
        do {
            return try JSONValue(encoding: params)
        } catch {
            throw GatewayCallError.unencodableParams(method: method.rawValue, reason: "\(error)")
        }
    }

    private static func result<Result: Decodable>(of response: ResponseFrame, method: String) throws -> Result {
        guard response.ok else {
            throw GatewayCallError.rpc(
                response.error ?? ErrorShape(code: ErrorCode.unavailable.rawValue, message: "error response without an error object"),
                id: response.id
            )
        }
        do {
            return try (response.payload ?? .null).decode(as: Result.self)
        } catch {
            throw GatewayCallError.unexpectedPayload(method: method, id: response.id, reason: InboundFrameDecoder.describe(error))
        }
    }
}

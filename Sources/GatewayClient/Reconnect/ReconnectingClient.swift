import Foundation
import GeneratedProtocol
import Locking

/// A client of an OpenClaw-compatible gateway in the shape of the official client: ``start()``
/// connects and does the handshake, ``request(_:params:timeout:)`` calls a method, ``events()``
/// reports the gateway's events and what happens to the connection, ``close()`` ends it.
///
/// Over one ``GatewaySession`` at a time. After an established connection is lost it reconnects
/// with jittered exponential backoff (``ReconnectPolicy``) and does the handshake again; requests
/// pending at the loss fail with ``GatewayCallError/connectionClosed(code:reason:)``, requests
/// while disconnected fail at once. A request that times out is cancelled with the protocol's
/// `cancel` frame. Each connection's event `seq` is checked: a jump is reported as
/// ``ClientEvent/gap(expected:received:)``.
///
/// The generated, typed layer is `KubeclawClient` (module `KubeclawClient`).
public final class ReconnectingClient: Sendable {
    public let options: GatewayClientOptions

    private struct State {
        var phase: ClientPhase = .idle
        var session: GatewaySession?
        var hello: HelloOk?
        /// Reads the current connection, then reconnects; replaced on each connection.
        var pump: Task<Void, Never>?
        var gaps = 0
    }

    private let state = Locked(State())
    private let subscribers = EventSubscribers()

    public init(options: GatewayClientOptions) {
        self.options = options
    }

    /// Where the client is.
    public var phase: ClientPhase { state.withLock { $0.phase } }

    /// The `hello-ok` of the current (or last) connection.
    public var hello: HelloOk? { state.withLock { $0.hello } }

    /// The negotiated protocol version of the current connection.
    public var negotiatedProtocol: Int? { hello?.protocol }

    /// How many `seq` gaps were seen, over all connections.
    public var gapCount: Int { state.withLock { $0.gaps } }

    /// The session of the current connection, for raw frames; nil while not connected.
    public var currentSession: GatewaySession? { state.withLock { $0.phase == .open ? $0.session : nil } }

    // MARK: Events

    /// A new stream of reports from now on: every gateway event (`connect.challenge` excepted) and
    /// the connection's ``ClientEvent/open(_:)``, ``ClientEvent/close(code:reason:reconnecting:)``,
    /// ``ClientEvent/reconnecting(attempt:delay:)`` and ``ClientEvent/gap(expected:received:)``.
    /// Any number of streams; each ends when the client closes.
    public func events() -> AsyncStream<ClientEvent<ReceivedEvent>> {
        subscribers.subscribe(limit: options.subscriberBufferLimit) { $0 }
    }

    /// The same with each gateway event transformed (the typed client decodes them).
    public func events<Event: Sendable>(
        _ transform: @escaping @Sendable (ReceivedEvent) -> Event
    ) -> AsyncStream<ClientEvent<Event>> {
        subscribers.subscribe(limit: options.subscriberBufferLimit, transform)
    }

    // MARK: Lifecycle

    /// Connects and completes the handshake; returns `hello-ok`. A failure here is not retried:
    /// it throws and closes the client.
    @discardableResult
    public func start() async throws -> HelloOk {
        try state.withLock { state in
            guard state.phase == .idle else {
                throw GatewayCallError.connectionClosed(code: nil, reason: "start() in phase \(state.phase.rawValue)")
            }
            state.phase = .connecting
        }
        do {
            let (session, hello) = try await handshake()
            guard install(session, hello: hello, from: .connecting) else {
                await session.close()
                throw GatewayCallError.connectionClosed(code: 1000, reason: "client closed")
            }
            return hello
        } catch {
            let wasConnecting = state.withLock { state in
                defer { if state.phase == .connecting { state.phase = .closed } }
                return state.phase == .connecting
            }
            if wasConnecting { subscribers.finish() }
            throw error
        }
    }

    /// Closes the connection and stops reconnecting; pending requests fail and every event stream
    /// ends (after a final ``ClientEvent/close(code:reason:reconnecting:)``). Idempotent.
    public func close() async {
        let (session, pump, wasClosed) = state.withLock { state in
            defer {
                state.phase = .closed
                state.session = nil
                state.pump = nil
            }
            return (state.session, state.pump, state.phase == .closed)
        }
        pump?.cancel()
        await session?.close(code: 1000, reason: "client closed")
        if !wasClosed { subscribers.publish(.close(code: 1000, reason: "client closed", reconnecting: false)) }
        subscribers.finish()
    }

    // MARK: Requests

    /// Sends a request and returns the response's payload (`null` when it has none).
    ///
    /// - Parameter timeout: ``GatewayClientOptions/requestTimeout`` when nil. After it the request
    ///   fails with ``GatewayCallError/timedOut(method:id:)`` and is cancelled at the gateway.
    /// - Throws: ``GatewayCallError/rpc(_:id:)`` for an error response,
    ///   ``GatewayCallError/connectionClosed(code:reason:)`` when not connected or the connection ends.
    public func request(_ method: String, params: JSONValue? = nil, timeout: Duration? = nil) async throws -> JSONValue {
        guard let session = currentSession else {
            throw GatewayCallError.connectionClosed(code: nil, reason: "not connected (\(phase.rawValue))")
        }
        let id = UUID().uuidString.lowercased()
        let response: ResponseFrame
        do {
            response = try await session.request(method, params: params, id: id, timeout: timeout ?? options.requestTimeout)
        } catch GatewayCallError.timedOut(let method, let id) {
            try? await session.cancel(id: id)
            throw GatewayCallError.timedOut(method: method, id: id)
        }
        guard response.ok else {
            throw GatewayCallError.rpc(
                response.error ?? ErrorShape(code: ErrorCode.unavailable.rawValue, message: "error response without an error object"),
                id: response.id)
        }
        return response.payload ?? .null
    }

    /// Calls `method` with typed params and decodes its result.
    ///
    /// - Throws: as ``request(_:params:timeout:)``, and ``GatewayCallError/unexpectedPayload(method:id:reason:)``
    ///   when the result does not decode as `Result`.
    public func call<Params: Encodable, Result: Decodable>(
        _ method: String, _ params: Params, as type: Result.Type = Result.self, timeout: Duration? = nil
    ) async throws -> Result {
        let json: JSONValue
        do {
            json = try JSONValue(encoding: params)
        } catch {
            throw GatewayCallError.unencodableParams(method: method, reason: "\(error)")
        }
        let payload = try await request(method, params: json, timeout: timeout)
        do {
            return try payload.decode(as: Result.self)
        } catch {
            throw GatewayCallError.unexpectedPayload(method: method, id: "", reason: "\(error)")
        }
    }

    // MARK: Connection

    /// One connection and its handshake: waits for the challenge, signs when a device is set.
    private func handshake() async throws -> (GatewaySession, HelloOk) {
        var configuration = GatewaySessionConfiguration()
        configuration.challengeTimeout = options.challengeTimeout
        configuration.requestTimeout = options.requestTimeout
        configuration.frameBufferLimit = 0
        let (session, challenge) = try await GatewaySession.open(url: options.url, configuration: configuration)
        do {
            var params = options.connectParams()
            if let device = options.device {
                guard let nonce = challenge?.frame.payload?["nonce"]?.stringValue else {
                    throw GatewayCallError.connectionClosed(code: nil, reason: "no connect.challenge to sign: the device identity needs its nonce")
                }
                params = try device.signing(params, nonce: nonce)
            }
            let hello = try await session.connect(params, timeout: options.connectTimeout)
            return (session, hello)
        } catch {
            await session.close(code: 1000, reason: "connect failed")
            throw error
        }
    }

    /// Makes `session` the current connection if the client is still in `expected`, reports it
    /// open, then starts reading it (its events wait in the session until then, so `open` comes
    /// before the connection's first event). False when the client was closed meanwhile.
    private func install(_ session: GatewaySession, hello: HelloOk, from expected: ClientPhase) -> Bool {
        state.withLock { state -> Bool in
            guard state.phase == expected else { return false }
            state.phase = .open
            state.session = session
            state.hello = hello
            // Under the lock (the subscribers' lock is never held while taking this one): `open`
            // is published before the pump that publishes this connection's events exists.
            subscribers.publish(.open(hello))
            state.pump = Task { [weak self] in await self?.pump(session) }
            return true
        }
    }

    /// Reads the connection's events until it ends, then reconnects (or closes).
    private func pump(_ session: GatewaySession) async {
        var detector = SequenceGapDetector()
        for await event in session.events where event.name != EventName.connectChallenge.rawValue {
            if let gap = detector.record(event.frame.seq) {
                state.withLock { $0.gaps += 1 }
                subscribers.publish(.gap(expected: gap.expected, received: gap.received))
            }
            subscribers.publish(.event(event))
        }
        let reconnecting = state.withLock { state -> Bool? in
            guard state.phase == .open, state.session === session else { return nil }
            state.session = nil
            state.phase = options.reconnect.enabled ? .reconnecting : .closed
            return options.reconnect.enabled
        }
        guard let reconnecting else { return }
        subscribers.publish(.close(code: session.closeCode, reason: session.closeReason, reconnecting: reconnecting))
        guard reconnecting else {
            subscribers.finish()
            return
        }
        await reconnect()
    }

    /// Tries again and again, with backoff, until a handshake succeeds, the gateway refuses for
    /// good (credentials, versions), or the client is closed.
    private func reconnect() async {
        var attempt = 0
        while !Task.isCancelled, phase == .reconnecting {
            let delay = options.reconnect.delay(forAttempt: attempt)
            attempt += 1
            subscribers.publish(.reconnecting(attempt: attempt, delay: delay))
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            guard phase == .reconnecting else { return }
            do {
                let (session, hello) = try await handshake()
                if !install(session, hello: hello, from: .reconnecting) { await session.close() }
                return
            } catch GatewayCallError.rpc(let error, _) where error.retryable != true {
                // Refused credentials or versions do not get better by retrying.
                let refused = state.withLock { state -> Bool in
                    guard state.phase == .reconnecting else { return false }
                    state.phase = .closed
                    return true
                }
                if refused {
                    subscribers.publish(.close(code: 1008, reason: "\(error.code): \(error.message)", reconnecting: false))
                    subscribers.finish()
                }
                return
            } catch {
                continue
            }
        }
    }
}

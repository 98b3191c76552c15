import GeneratedProtocol
import NIOWebSocket

/// The life of one connection as an explicit state machine, as NIO's handlers keep theirs:
/// every inbound frame and every lifecycle event is an input, each input moves the state and
/// returns the one action the connection takes. Nothing here does I/O.
///
/// ```
/// awaitingConnect ─connect─▶ handshaking ─admitted─▶ connected ─drain─▶ draining
///        │                        │ rejected              │                  │
///        └──── anything else ─────┴────────▶ closing ◀────┴──── close ───────┘
/// ```
struct ConnectionStateMachine: Sendable {
    enum State: Sendable, Equatable {
        /// The challenge was sent; the first request must be `connect`.
        case awaitingConnect
        /// `connect` is being checked; the reader waits for it.
        case handshaking
        /// `hello-ok` was sent; requests and events flow.
        case connected(ConnectionInfo)
        /// The gateway is shutting down: in-flight requests finish, new ones are refused.
        case draining(ConnectionInfo)
        /// A close frame is queued or the peer is gone; frames are ignored.
        case closing
    }

    /// What the connection does about an input.
    /// Indirect: its payloads (a request, the connection info) are boxed, so the async frames
    /// that hold an action stay small; the connection task keeps its largest frames for life.
    indirect enum Action: Sendable {
        /// Nothing.
        case ignore
        /// Check this `connect` (`Handshake`).
        case handshake(IncomingRequest)
        /// Answer with this error (an error response for `id`), then close when `close` is set.
        case refuse(id: String, GatewayError, close: WebSocketErrorCode?)
        /// Send this response as it is (a malformed frame's answer), then close when `close` is set.
        case respond(ResponseFrame, close: WebSocketErrorCode?)
        /// Pass the request through admission and run it.
        case admit(IncomingRequest, ConnectionInfo, draining: Bool)
        /// Cancel the running request with this id, if there is one.
        case cancel(id: String)
        /// Close without an answer.
        case close(WebSocketErrorCode, reason: String)
    }

    private(set) var state: State = .awaitingConnect

    var info: ConnectionInfo? {
        switch state {
        case .connected(let info), .draining(let info): info
        default: nil
        }
    }

    /// Whether the handshake has not completed yet (for the handshake timeout).
    var isHandshaking: Bool { state == .awaitingConnect || state == .handshaking }

    /// A text frame, as the dispatcher read it.
    mutating func received(_ frame: RequestDecoding) -> Action {
        switch (state, frame) {
        case (.closing, _), (.handshaking, _):
            // While `connect` is checked the reader does not read; after close nothing counts.
            return .ignore
        case (.awaitingConnect, .rejected(let response)):
            state = .closing
            return .respond(response, close: .policyViolation)
        case (.awaitingConnect, .cancel(let id)):
            state = .closing
            return .refuse(id: id, .invalidRequest("invalid handshake: first request must be connect"), close: .policyViolation)
        case (.awaitingConnect, .request(let request)) where request.method != .connect:
            state = .closing
            return .refuse(id: request.id, .invalidRequest("invalid handshake: first request must be connect"), close: .policyViolation)
        case (.awaitingConnect, .request(let request)):
            state = .handshaking
            return .handshake(request)
        case (.connected, .rejected(let response)), (.draining, .rejected(let response)):
            return .respond(response, close: nil)
        case (.connected, .cancel(let id)), (.draining, .cancel(let id)):
            return .cancel(id: id)
        case (.connected(let info), .request(let request)):
            return .admit(request, info, draining: false)
        case (.draining(let info), .request(let request)):
            return .admit(request, info, draining: true)
        }
    }

    /// A binary frame: the protocol is text only.
    mutating func receivedBinary() -> Action {
        switch state {
        case .closing, .handshaking:
            return .ignore
        case .awaitingConnect:
            state = .closing
            return .close(.policyViolation, reason: "invalid request frame")
        case .connected, .draining:
            return .refuse(
                id: "invalid",
                .invalidRequest("invalid request frame: binary frames are not supported; send JSON text frames", details: ["reason": "binary-frame"]),
                close: nil)
        }
    }

    /// The handshake's verdict. False when the connection was closed meanwhile (the hello is not sent).
    mutating func handshakeFinished(admitted info: ConnectionInfo?) -> Bool {
        guard state == .handshaking else { return false }
        state = info.map(State.connected) ?? .closing
        return info != nil
    }

    /// Starts draining; false when the connection was not serving.
    mutating func drain() -> Bool {
        guard case .connected(let info) = state else { return false }
        state = .draining(info)
        return true
    }

    /// The connection is closing (a close frame either way, a slow consumer, a timeout).
    mutating func close() {
        state = .closing
    }
}

import Foundation
import GeneratedProtocol

/// One message the server sent, in arrival order, as received and as understood.
///
/// A conformance runner validates ``raw`` against the schema; a client uses ``kind``.
public struct ReceivedFrame: Sendable, Equatable {
    /// What a message turned out to be.
    public enum Kind: Sendable, Equatable {
        /// A `{"type":"event",…}` frame.
        case event(EventFrame)
        /// A `{"type":"res",…}` frame. `matched` is false when no request of this session was
        /// waiting for its id: an unknown id, or a reply after the request timed out.
        case response(ResponseFrame, matched: Bool)
        /// Text that is not a valid frame: not JSON, not an object, no or unknown `type`, or a
        /// frame whose members do not decode.
        case malformed(reason: String)
        /// A binary message (the protocol only uses text).
        case binary([UInt8])
    }

    /// Position among all messages of the session, from 0.
    public let index: Int
    /// When the client took the message off the connection.
    public let receivedAt: Date
    /// The text exactly as received; empty for binary messages.
    public let raw: String
    /// The text parsed as JSON, nil when it is not JSON (or binary).
    public let json: JSONValue?
    /// What the message turned out to be.
    public let kind: Kind

    /// A frame as the session records it; public so tests and tools can build expected values.
    public init(index: Int, receivedAt: Date, raw: String, json: JSONValue?, kind: Kind) {
        self.index = index
        self.receivedAt = receivedAt
        self.raw = raw
        self.json = json
        self.kind = kind
    }

    /// The event, when this is one.
    public var event: EventFrame? {
        if case .event(let event) = kind { return event }
        return nil
    }

    /// The response, when this is one (matched or not).
    public var response: ResponseFrame? {
        if case .response(let response, _) = kind { return response }
        return nil
    }

    /// Whether a correct server would never send this: malformed text, a binary message, or a
    /// response to no pending request.
    public var isProtocolViolation: Bool {
        switch kind {
        case .event, .response(_, matched: true): false
        case .response(_, matched: false), .malformed, .binary: true
        }
    }

    /// The same frame understood differently (a response found its request after decoding).
    func with(kind: Kind) -> ReceivedFrame {
        ReceivedFrame(index: index, receivedAt: receivedAt, raw: raw, json: json, kind: kind)
    }
}

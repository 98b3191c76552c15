import Foundation
import GeneratedProtocol

/// An event frame as the server sent it: decoded, and the raw text for validation.
public struct ReceivedEvent: Sendable, Equatable {
    /// The decoded frame.
    public let frame: EventFrame
    /// The text exactly as received.
    public let raw: String
    /// The text parsed as JSON.
    public let json: JSONValue
    /// Position among all messages of the session (see ``ReceivedFrame/index``).
    public let index: Int
    /// When the client took the message off the connection.
    public let receivedAt: Date

    /// An event as the session records it; public so tests and tools can build expected values.
    public init(frame: EventFrame, raw: String, json: JSONValue, index: Int, receivedAt: Date) {
        self.frame = frame
        self.raw = raw
        self.json = json
        self.index = index
        self.receivedAt = receivedAt
    }

    /// The event name, e.g. `connect.challenge`.
    public var name: String { frame.event }
}

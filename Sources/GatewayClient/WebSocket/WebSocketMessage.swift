/// One complete WebSocket data message, its fragments already joined.
///
/// Control frames (ping, pong, close) never appear here: the connection answers pings itself
/// and reports the close through ``WebSocketConnection/closeCode`` and
/// ``WebSocketConnection/closeReason``.
public enum WebSocketMessage: Sendable, Equatable {
    /// A text message (opcode 1), valid UTF-8.
    case text(String)
    /// A binary message (opcode 2).
    case binary([UInt8])
}

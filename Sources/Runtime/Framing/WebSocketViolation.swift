import NIOWebSocket

/// A frame that breaks RFC 6455, found by the `FrameValidator`: the connection is closed with
/// `closeCode` (1002 protocol error, or 1007 for text that is not UTF-8), never answered.
enum WebSocketViolation: Error, Sendable, Equatable, CaseIterable {
    /// A client frame without a masking key (§5.1: the server must close).
    case unmaskedFrame
    /// RSV1, RSV2 or RSV3 set, though no extension was negotiated (§5.2).
    case reservedBits
    /// Opcode 0x3–0x7 or 0xB–0xF (§5.2).
    case reservedOpcode
    /// A continuation frame with no fragmented message to continue (§5.4).
    case continuationWithoutMessage
    /// A new text or binary frame while a fragmented message is unfinished (§5.4).
    case interleavedMessage
    /// A close frame with a 1-byte body, or a close code that may not be sent (§5.5.1, §7.4).
    case invalidClosePayload
    /// A text message, or a close reason, that is not well-formed UTF-8 (§5.6, §8.1).
    case invalidUTF8

    var closeCode: WebSocketErrorCode {
        self == .invalidUTF8 ? .dataInconsistentWithMessage : .protocolError
    }

    /// The close frame's reason text.
    var reason: String {
        switch self {
        case .unmaskedFrame: "client frames must be masked"
        case .reservedBits: "reserved bits set without an extension"
        case .reservedOpcode: "reserved opcode"
        case .continuationWithoutMessage: "continuation frame without a message"
        case .interleavedMessage: "new message before the fragmented one finished"
        case .invalidClosePayload: "invalid close frame"
        case .invalidUTF8: "text is not valid UTF-8"
        }
    }
}

import NIOCore
import NIOWebSocket

/// The RFC 6455 rules NIO's frame decoder leaves to the application, as a state machine over
/// the frames of one connection in arrival order (before fragments are reassembled): masking,
/// reserved bits and opcodes, fragment order, UTF-8 of text across fragments, and close frames.
/// Size limits stay with the decoder (`maxFrameSize`) and the aggregator.
struct FrameValidator: Sendable {
    private enum Message: Sendable {
        /// No fragmented message is open.
        case none
        case text(UTF8StreamValidator)
        case binary
    }

    private var message = Message.none

    /// The violation `frame` commits, if any. After a violation the connection is closed, so
    /// the state after one does not matter.
    mutating func validate(_ frame: WebSocketFrame) -> WebSocketViolation? {
        guard frame.maskKey != nil else { return .unmaskedFrame }
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return .reservedBits }
        switch frame.opcode {
        case .text:
            guard case .none = message else { return .interleavedMessage }
            return checkText(frame, in: UTF8StreamValidator())
        case .binary:
            guard case .none = message else { return .interleavedMessage }
            if !frame.fin { message = .binary }
            return nil
        case .continuation:
            switch message {
            case .none:
                return .continuationWithoutMessage
            case .binary:
                if frame.fin { message = .none }
                return nil
            case .text(let utf8):
                return checkText(frame, in: utf8)
            }
        case .connectionClose:
            return Self.checkClose(frame.unmaskedData)
        case .ping, .pong:
            return nil
        default:
            return .reservedOpcode
        }
    }

    /// Checks a text frame or a continuation of a text message.
    private mutating func checkText(_ frame: WebSocketFrame, in utf8: UTF8StreamValidator) -> WebSocketViolation? {
        var utf8 = utf8
        guard utf8.consume(frame.unmaskedData.readableBytesView) else { return .invalidUTF8 }
        if frame.fin {
            message = .none
            return utf8.isAtCodePointBoundary ? nil : .invalidUTF8
        }
        message = .text(utf8)
        return nil
    }

    /// A close body is empty, or a code that may be sent on the wire and an optional UTF-8
    /// reason (§5.5.1, §7.4.1: 1004–1006 and 1015 are never sent; 1016–2999 are unassigned).
    private static func checkClose(_ body: ByteBuffer) -> WebSocketViolation? {
        var body = body
        guard body.readableBytes > 0 else { return nil }
        guard let code = body.readInteger(as: UInt16.self) else { return .invalidClosePayload }
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: break
        default: return .invalidClosePayload
        }
        var utf8 = UTF8StreamValidator()
        guard utf8.consume(body.readableBytesView), utf8.isAtCodePointBoundary else { return .invalidUTF8 }
        return nil
    }
}

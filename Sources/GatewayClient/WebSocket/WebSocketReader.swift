import NIOCore
import NIOWebSocket
import Locking

/// The read side of one connection: pulls frames from NIO, answers pings, turns data frames into
/// ``WebSocketMessage``s for the ``InboundMessageBuffer``, and keeps the close handshake's state.
///
/// It is a separate object from ``WebSocketConnection`` so the reader task never retains the
/// connection: dropping the last reference to a connection closes it (see its `deinit`).
final class WebSocketReader: Sendable {
    let buffer: InboundMessageBuffer
    private let channel: any Channel
    private let closeTimeout: TimeAmount

    private struct State {
        /// This side sent its close frame; RFC 6455 allows exactly one and nothing after it.
        var closeFrameSent = false
        var closeCode: UInt16?
        var closeReason: String?
        var forcedClose: Scheduled<Void>?
        /// The read loop is over; the channel is closed or closing.
        var ended = false
    }

    private let state = Locked(State())

    init(channel: any Channel, configuration: WebSocketConfiguration) {
        self.channel = channel
        self.buffer = InboundMessageBuffer(capacity: configuration.inboundBufferCapacity)
        self.closeTimeout = TimeAmount(configuration.closeTimeout)
    }

    /// The status code of the server's close frame (1005 when it carried none), nil without one.
    var closeCode: UInt16? { state.withLock { $0.closeCode } }

    /// The reason text of the server's close frame, nil without one.
    var closeReason: String? { state.withLock { $0.closeReason } }

    var closeFrameSent: Bool { state.withLock { $0.closeFrameSent } }

    /// Claims the one close frame this side may send; false when it is already spent.
    func claimCloseFrame() -> Bool {
        state.withLock { state in
            defer { state.closeFrameSent = true }
            return !state.closeFrameSent
        }
    }

    /// Drops TCP after `closeTimeout` unless the connection ends first: bounds how long this side
    /// waits for the server's close frame and for the server to drop TCP (RFC 6455 wants the
    /// server to close TCP first, so the server, not the client, keeps TIME_WAIT).
    func scheduleForcedClose() {
        state.withLock { state in
            guard state.forcedClose == nil, !state.ended else { return }
            let channel = self.channel
            state.forcedClose = channel.eventLoop.scheduleTask(in: closeTimeout) {
                channel.close(promise: nil)
            }
        }
    }

    /// Reads until the connection ends, then finishes the buffer. Runs inside the channel's
    /// `executeThenClose`, which closes the channel when this returns.
    func run(
        inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    ) async {
        var end = InboundMessageBuffer.End.finished
        var closeReceived = false
        do {
            frames: for try await frame in inbound {
                // After the close handshake only the end of TCP matters.
                if closeReceived { continue }
                switch frame.opcode {
                case .text:
                    let bytes = frame.unmaskedData.readableBytesView
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        end = .failed(.protocolViolation("text message is not valid UTF-8"))
                        await sendClose(code: 1007, outbound: outbound)
                        break frames
                    }
                    await buffer.push(.text(text))
                case .binary:
                    await buffer.push(.binary(Array(frame.unmaskedData.readableBytesView)))
                case .ping:
                    // RFC 6455 §5.5.2: a pong carries the ping's payload. None after our close frame.
                    // A failed write means the connection is ending; the loop sees that end.
                    if !closeFrameSent {
                        let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
                        try? await outbound.write(pong)
                    }
                case .pong:
                    break
                case .connectionClose:
                    closeReceived = true
                    let code = recordClose(frame)
                    buffer.finish(.finished)
                    // Echo the status code, as RFC 6455 §5.5.1 suggests; 1005 means there was none.
                    await sendClose(code: code == 1005 ? nil : code, outbound: outbound)
                    scheduleForcedClose()
                default:
                    end = .failed(.protocolViolation("frame with reserved opcode \(frame.opcode)"))
                    await sendClose(code: 1002, outbound: outbound)
                    break frames
                }
            }
        } catch let error as NIOWebSocketFrameAggregator.Error {
            // Bad fragment sequences or an oversize message: fail the connection as RFC 6455 asks.
            end = .failed(.protocolViolation("fragmented message rejected: \(error)"))
            await sendClose(code: error == .accumulatedFrameSizeIsTooLarge ? 1009 : 1002, outbound: outbound)
        } catch let error as NIOWebSocketError {
            // Answered here rather than by NIO's WebSocketProtocolErrorHandler: that handler closes
            // the channel before it forwards the error, so the inbound stream would end as if
            // cleanly and the violation would go unreported.
            end = .failed(.protocolViolation("\(error)"))
            await sendClose(code: error == .invalidFrameLength ? 1009 : 1002, outbound: outbound)
        } catch {
            // I/O errors (reset, EOF mid-frame): the connection just dropped; closeCode stays nil.
            end = .finished
        }
        buffer.finish(end)
        state.withLock { state in
            state.ended = true
            return state.forcedClose
        }?.cancel()
    }

    /// Sends this side's close frame unless one was sent already.
    private func sendClose(code: UInt16?, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async {
        guard claimCloseFrame() else { return }
        var data = channel.allocator.buffer(capacity: 2)
        if let code { data.writeInteger(code) }
        try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data))
    }

    /// Stores the close frame's status code and reason; returns the code.
    private func recordClose(_ frame: WebSocketFrame) -> UInt16 {
        var data = frame.unmaskedData
        // RFC 6455 §7.1.5: a close frame without a status code counts as 1005.
        let code = data.readableBytes >= 2 ? data.readInteger(as: UInt16.self) ?? 1005 : 1005
        let reason = data.readString(length: data.readableBytes) ?? ""
        state.withLock { state in
            state.closeCode = code
            state.closeReason = reason
        }
        return code
    }
}

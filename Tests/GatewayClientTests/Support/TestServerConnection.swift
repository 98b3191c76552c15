import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The server side of one test connection, driven by a test's script. One task uses it.
///
/// Every read is bounded: one that takes longer than its timeout closes the connection, so the
/// read returns nil and the test fails on that instead of hanging.
final class TestServerConnection {
    static let readTimeout = TimeAmount.seconds(30)

    /// The upgrade request that opened this connection.
    let requestHead: HTTPRequestHead
    let channel: any Channel
    private var frames: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    init(
        requestHead: HTTPRequestHead,
        channel: any Channel,
        inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    ) {
        self.requestHead = requestHead
        self.channel = channel
        self.frames = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    // MARK: Reading

    /// The next frame as the client sent it (control frames included, masks intact), nil once
    /// the client is gone or the read timed out.
    func nextFrame(timeout: TimeAmount = readTimeout) async throws -> WebSocketFrame? {
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { timer.cancel() }
        return try await frames.next()
    }

    /// The text of the next frame; nil when the next frame is not a text frame or none came.
    func nextText(timeout: TimeAmount = readTimeout) async throws -> String? {
        guard let frame = try await nextFrame(timeout: timeout), frame.opcode == .text else { return nil }
        return String(buffer: frame.unmaskedData)
    }

    /// Reads until the client's close frame (at most `limit` frames) and returns it.
    func nextClose(limit: Int = 100, timeout: TimeAmount = readTimeout) async throws -> WebSocketFrame? {
        for _ in 0..<limit {
            guard let frame = try await nextFrame(timeout: timeout) else { return nil }
            if frame.opcode == .connectionClose { return frame }
        }
        return nil
    }

    // MARK: Writing (servers never mask)

    func send(text: String) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    func send(binary: [UInt8]) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: binary)))
    }

    func send(frame: WebSocketFrame) async throws {
        try await outbound.write(frame)
    }

    func sendPing(_ payload: String) async throws {
        try await send(frame: WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: payload)))
    }

    /// Sends a close frame with a status code and reason.
    func sendClose(code: UInt16, reason: String) async throws {
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(reason)
        try await send(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
    }

    /// Drops TCP without a close frame.
    func drop() async {
        try? await channel.close()
    }
}

extension WebSocketFrame {
    /// The status code of a close frame, nil without one.
    var closeCode: UInt16? {
        var data = unmaskedData
        return data.readInteger(as: UInt16.self)
    }

    /// The reason of a close frame.
    var closeReason: String {
        var data = unmaskedData
        _ = data.readInteger(as: UInt16.self)
        return data.readString(length: data.readableBytes) ?? ""
    }
}

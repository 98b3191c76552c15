import NIOCore

/// How one face writes a streamed reply as Server-Sent Events: what comes before the first
/// piece, each piece, the end, an error inside the stream, and a deliberately broken event.
protocol EventStreamFormat: Sendable {
    /// Headers of the 200 head besides the content type.
    var headers: [(String, String)] { get }
    func opening() -> ByteBuffer
    func piece(_ text: String) -> ByteBuffer
    func closing(outputTokens: Int, stopReason: String) -> ByteBuffer
    /// An error reported inside the stream, after which it ends.
    func streamError(type: String?, message: String?) -> ByteBuffer
    /// An event whose data is not JSON.
    func malformed() -> ByteBuffer
}

extension EventStreamFormat {
    /// `event: name` (when given) and one `data:` line, then the blank line that dispatches it.
    static func event(_ name: String?, _ data: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        if let name { buffer.writeString("event: \(name)\n") }
        buffer.writeString("data: ")
        var data = data
        buffer.writeBuffer(&data)
        buffer.writeString("\n\n")
        return buffer
    }
}

import NIOCore

/// Cuts a byte stream into newline-delimited lines as the bytes arrive, holding at most one
/// unfinished line. A line longer than the cap is an error rather than unbounded memory.
struct NDJSONLineSplitter: Sendable {
    let maxLineBytes: Int
    private var buffer = ByteBuffer()
    /// Bytes at the front of `buffer` already searched for a newline, so no byte is scanned twice.
    private var scanned = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        if buffer.readerIndex > 0 { buffer.discardReadBytes() }
        buffer.writeBuffer(&chunk)
    }

    /// The next complete line without its `\n` (or `\r\n`), or nil until more bytes arrive.
    mutating func nextLine() throws(ModelBackendError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            guard scanned <= maxLineBytes else { throw Self.tooLong(maxLineBytes) }
            return nil
        }
        let length = newline - view.startIndex
        guard length <= maxLineBytes else { throw Self.tooLong(maxLineBytes) }
        scanned = 0
        // Both reads are within the readable bytes just searched, so they cannot fail.
        guard var line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line
        }
        return line
    }

    /// What is left when the stream ends: a last line without a newline, or nil.
    mutating func finish() -> ByteBuffer? {
        defer { buffer.clear() }
        return buffer.readableBytes > 0 ? buffer : nil
    }

    private static func tooLong(_ limit: Int) -> ModelBackendError {
        .malformedResponse("a reply line is longer than \(limit) bytes")
    }
}

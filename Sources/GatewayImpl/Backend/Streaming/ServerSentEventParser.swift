import NIOCore

/// An incremental `text/event-stream` parser (WHATWG HTML, "event stream interpretation"):
/// feed it bytes as they arrive with ``append(_:)`` and take complete events with ``next()``.
///
/// - Lines end in `\r\n`, `\n` or a lone `\r`, also when a `\r\n` is split across two chunks.
/// - A UTF-8 byte order mark at the very start is skipped.
/// - `data:` lines accumulate (joined with `\n`); `event:` names the event; `id:` is kept;
///   `retry:` and unknown fields are ignored; lines starting with `:` are comments.
/// - A blank line dispatches the event; an event whose data is empty is dropped, as the spec says.
/// - Bounded: a line longer than `maxLineBytes`, or an event whose data grows past
///   `maxEventBytes`, is a ``ModelBackendError/malformedResponse(_:)`` instead of memory growth.
///
/// Bytes are scanned once; at most one unfinished line is held.
struct ServerSentEventParser: Sendable {
    let maxLineBytes: Int
    let maxEventBytes: Int

    private var buffer = ByteBuffer()
    /// Bytes at the front of `buffer` already searched for a line end.
    private var scanned = 0
    /// The previous line ended in `\r`: a `\n` at the start of the next bytes belongs to it.
    private var skipLeadingLineFeed = false
    private var atStreamStart = true

    private var eventName: String?
    private var dataLines: [String] = []
    private var dataBytes = 0
    private var lastEventId: String?
    private var pending: [ServerSentEvent] = []

    init(maxLineBytes: Int = 1 << 20, maxEventBytes: Int = 4 << 20) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        if buffer.readerIndex > 0 { buffer.discardReadBytes() }
        buffer.writeBuffer(&chunk)
    }

    /// The next complete event, or nil until more bytes arrive.
    mutating func next() throws(ModelBackendError) -> ServerSentEvent? {
        while pending.isEmpty {
            guard let line = try nextLine() else { break }
            try interpret(line)
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// When the stream has ended: an event the server did not terminate with a blank line
    /// (a last line without its line end included). The spec drops such an event; servers that
    /// close right after `data: [DONE]` are common enough that it is delivered instead.
    mutating func finish() throws(ModelBackendError) -> ServerSentEvent? {
        if let event = try next() { return event }
        if buffer.readableBytes > 0 {
            let rest = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            scanned = 0
            try interpret(rest)
        }
        try interpret(ByteBuffer())
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    // MARK: Lines

    private mutating func nextLine() throws(ModelBackendError) -> ByteBuffer? {
        if skipLeadingLineFeed, let first = buffer.readableBytesView.first {
            skipLeadingLineFeed = false
            if first == UInt8(ascii: "\n") { buffer.moveReaderIndex(forwardBy: 1) }
        }
        if atStreamStart {
            let view = buffer.readableBytesView
            if view.count < 3, view.elementsEqual([0xEF, 0xBB, 0xBF].prefix(view.count)) { return nil }
            atStreamStart = false
            if view.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.moveReaderIndex(forwardBy: 3) }
        }
        let view = buffer.readableBytesView
        let searchFrom = view.startIndex + min(scanned, view.count)
        guard let end = view[searchFrom...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
            scanned = view.count
            guard scanned <= maxLineBytes else { throw Self.tooLong("a line", maxLineBytes) }
            return nil
        }
        let length = end - view.startIndex
        guard length <= maxLineBytes else { throw Self.tooLong("a line", maxLineBytes) }
        let terminator = view[end]
        scanned = 0
        guard let line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        if terminator == UInt8(ascii: "\r") {
            if let next = buffer.readableBytesView.first {
                if next == UInt8(ascii: "\n") { buffer.moveReaderIndex(forwardBy: 1) }
            } else {
                skipLeadingLineFeed = true
            }
        }
        return line
    }

    // MARK: Fields

    private mutating func interpret(_ line: ByteBuffer) throws(ModelBackendError) {
        let bytes = line.readableBytesView
        guard !bytes.isEmpty else {
            dispatch()
            return
        }
        if bytes.first == UInt8(ascii: ":") { return }
        let name: String
        var value: Substring.UTF8View.SubSequence
        let text = String(decoding: bytes, as: UTF8.self)
        if let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) {
            name = String(decoding: text.utf8[..<colon], as: UTF8.self)
            value = text.utf8[text.utf8.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            name = text
            value = text.utf8[text.utf8.endIndex...]
        }
        switch name {
        case "data":
            dataBytes += value.count + 1
            guard dataBytes <= maxEventBytes else { throw Self.tooLong("an event", maxEventBytes) }
            dataLines.append(String(decoding: value, as: UTF8.self))
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventId = String(decoding: value, as: UTF8.self) }
        default:
            break  // `retry` and unknown fields
        }
    }

    private mutating func dispatch() {
        defer {
            eventName = nil
            dataLines = []
            dataBytes = 0
        }
        guard !dataLines.isEmpty else { return }
        let name = eventName.flatMap { $0.isEmpty ? nil : $0 }
        pending.append(ServerSentEvent(event: name, data: dataLines.joined(separator: "\n"), id: lastEventId))
    }

    private static func tooLong(_ what: String, _ limit: Int) -> ModelBackendError {
        .malformedResponse("\(what) of the event stream is longer than \(limit) bytes")
    }
}

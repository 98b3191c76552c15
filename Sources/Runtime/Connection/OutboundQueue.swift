import GeneratedProtocol
import NIOCore
import NIOWebSocket
import Locking

/// The frames waiting to be written to one client, bounded in bytes.
///
/// Frames are accounted from enqueue until the socket took them (``SocketWriter``), so a client
/// that stops reading makes the queue grow past `limit`, and then the connection is closed
/// rather than buffering without bound (at most `limit` plus one frame is held). Event `seq`
/// numbers are assigned here, at the moment a frame is accepted, so a dropped frame never
/// consumes a number. Every change tells its caller whether the writer must be woken: the
/// first frame after the writer went idle does, the rest ride along with the batch in flight.
final class OutboundQueue: Sendable {
    enum Outcome: Equatable {
        case queued
        /// A droppable frame was skipped because the client is behind.
        case dropped
        /// The frames already waiting pass the byte limit: the client is a slow consumer.
        case overflow
        /// The queue is finished; the connection is closing.
        case closed
    }

    struct Item: Sendable {
        var frame: WebSocketFrame
        /// Payload bytes (what the metrics count as sent).
        var bytes: Int
        /// The last frame: after writing it the connection closes.
        var isClose: Bool

        /// What the item counts against the limit: its payload plus ``frameCost``, so frames
        /// with small or empty payloads (the pongs of a ping flood) cannot pile up uncounted.
        var cost: Int { bytes + OutboundQueue.frameCost }
    }

    /// The memory a queued frame holds besides its payload (queue slot, frame, buffer header),
    /// rounded up.
    static let frameCost = 64

    /// What the writer takes next.
    enum Batch {
        /// Every frame waiting, oldest first; the close frame, when queued, is last.
        case items([Item])
        /// Finished and drained: the socket can close.
        case finished
        /// Nothing waits; the writer is idle until a change wakes it.
        case idle
    }

    private struct State {
        /// Small to start: an idle connection waits for nothing (the default 16 slots were
        /// half a KiB per connection); a burst grows it.
        var items = CircularBuffer<Item>(initialCapacity: 2)
        var bytes = 0
        var seq = 0
        var finished = false
        /// A writer is draining (scheduled, or a batch in flight).
        var writing = false

        /// Whether this change must wake the writer (and marks it woken).
        mutating func wake() -> Bool {
            if writing { return false }
            writing = true
            return true
        }
    }

    let limit: Int
    private let state = Locked(State())
    /// The protocol version events are framed for (set once the handshake negotiated it).
    private let version = Locked(ProtocolVersion.newest)

    init(limit: Int) {
        self.limit = limit
    }

    /// Frames events for `version` from now on.
    func frameEvents(for version: ProtocolVersion) {
        self.version.withLock { $0 = version }
    }

    /// Queues a text frame (a response).
    func enqueue(text: ByteBuffer) -> (Outcome, wake: Bool) {
        push { _ in (text, nil) }
    }

    /// Queues a control frame (a pong); counted like any other frame.
    func enqueue(control frame: WebSocketFrame) -> (Outcome, wake: Bool) {
        push({ _ in (frame.data, nil) }, opcode: frame.opcode)
    }

    /// Queues an event, giving it the connection's next `seq` when it is sequenced. A
    /// droppable event (tick) is skipped when anything is still waiting.
    func enqueue(event: EncodedEvent, droppable: Bool) -> (Outcome, wake: Bool) {
        let version = version.withLock { $0 }
        return push { state in
            if droppable && state.bytes > 0 { return nil }
            let seq = event.isSequenced ? state.seq + 1 : nil
            return (event.frame(seq: seq, protocol: version), seq)
        }
    }

    /// Queues the close frame and finishes the queue: nothing is accepted after it. True when
    /// the writer must be woken.
    func close(code: WebSocketErrorCode, reason: String) -> Bool {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        data.writeString(Self.truncated(reason, toUTF8Bytes: 120))
        let item = Item(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: data), bytes: data.readableBytes, isClose: true)
        return state.withLock { state in
            guard !state.finished else { return false }
            state.finished = true
            state.items.append(item)
            return state.wake()
        }
    }

    /// A close reason must fit a control frame; cut on a character boundary.
    static func truncated(_ text: String, toUTF8Bytes limit: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit { break }
            used += size
            result.append(character)
        }
        return result
    }

    /// Finishes without a close frame (the peer is gone, or it does not read). True when the
    /// writer must be woken (to close the socket once what waits is written).
    func finish() -> Bool {
        state.withLock { state in
            state.finished = true
            return state.wake()
        }
    }

    /// Takes everything waiting for the writer; `.idle` also marks the writer idle.
    func takeBatch() -> Batch {
        state.withLock { state in
            if !state.items.isEmpty {
                defer { state.items.removeAll(keepingCapacity: true) }
                return .items(Array(state.items))
            }
            state.writing = false
            return state.finished ? .finished : .idle
        }
    }

    /// The socket took `items`.
    func written(_ items: [Item]) {
        let cost = items.reduce(0) { $0 + $1.cost }
        state.withLock { $0.bytes -= cost }
    }

    var bufferedBytes: Int {
        state.withLock { $0.bytes }
    }

    /// The `seq` of the last event queued.
    var lastSeq: Int {
        state.withLock { $0.seq }
    }

    /// `make` builds the frame (and the `seq` it takes) or returns nil to drop it.
    private func push(_ make: (State) -> (ByteBuffer, Int?)?, opcode: WebSocketOpcode = .text) -> (Outcome, wake: Bool) {
        state.withLock { state in
            guard !state.finished else { return (.closed, false) }
            guard let (buffer, seq) = make(state) else { return (.dropped, false) }
            let size = buffer.readableBytes
            // A client is behind when what already waits passes the limit (OpenClaw checks the
            // socket's bufferedAmount the same way): one frame larger than the limit (a long
            // `sessions.list`) still goes to a client that reads.
            if state.bytes > limit { return (.overflow, false) }
            if let seq { state.seq = seq }
            let item = Item(frame: WebSocketFrame(fin: true, opcode: opcode, data: buffer), bytes: size, isClose: false)
            state.bytes += item.cost
            state.items.append(item)
            return (.queued, state.wake())
        }
    }
}

import NIOCore
import NIOWebSocket

/// Writes one connection's ``OutboundQueue`` to its channel, from the channel's event loop.
///
/// No task waits for frames: the first frame queued while the writer is idle schedules a drain
/// on the event loop, which writes every waiting frame with one flush. The next batch is taken
/// only when the socket took the last one (its write completed), so a client that does not
/// read leaves its frames counted in the queue until it overflows, and the connection is closed
/// as a slow consumer. An idle connection thus holds no writer task and no async frames (a
/// waiting writer task kept its task allocator, several KiB, for the connection's life).
final class SocketWriter: Sendable {
    let queue: OutboundQueue
    private let channel: any Channel
    /// Counts the payload bytes the socket took.
    private let sent: @Sendable (Int) -> Void

    init(queue: OutboundQueue, channel: any Channel, sent: @escaping @Sendable (Int) -> Void) {
        self.queue = queue
        self.channel = channel
        self.sent = sent
    }

    /// Queues a response.
    func enqueue(text: ByteBuffer) -> OutboundQueue.Outcome {
        wakeIfNeeded(queue.enqueue(text: text))
    }

    /// Queues a control frame (a pong).
    func enqueue(control frame: WebSocketFrame) -> OutboundQueue.Outcome {
        wakeIfNeeded(queue.enqueue(control: frame))
    }

    /// Queues an event (see ``OutboundQueue/enqueue(event:droppable:)``).
    func enqueue(event: EncodedEvent, droppable: Bool) -> OutboundQueue.Outcome {
        wakeIfNeeded(queue.enqueue(event: event, droppable: droppable))
    }

    /// Queues the close frame; the socket closes once it is written.
    func close(code: WebSocketErrorCode, reason: String) {
        if queue.close(code: code, reason: reason) { scheduleDrain() }
    }

    /// No more frames: the socket closes once what waits is written.
    func finish() {
        if queue.finish() { scheduleDrain() }
    }

    private func wakeIfNeeded(_ result: (OutboundQueue.Outcome, wake: Bool)) -> OutboundQueue.Outcome {
        if result.wake { scheduleDrain() }
        return result.0
    }

    /// Always through the event loop's queue, never inline: not re-entrant in a channel
    /// handler's callback, and a write that completes at once does not recurse.
    private func scheduleDrain() {
        channel.eventLoop.execute { self.drain() }
    }

    /// On the event loop: writes the waiting frames, and continues when the socket took them.
    private func drain() {
        switch queue.takeBatch() {
        case .idle:
            return
        case .finished:
            channel.close(promise: nil)
        case .items(let items):
            let written = channel.eventLoop.makePromise(of: Void.self)
            for (index, item) in items.enumerated() {
                channel.write(item.frame, promise: index == items.count - 1 ? written : nil)
            }
            channel.flush()
            written.futureResult.whenComplete { result in
                self.queue.written(items)
                guard case .success = result else {
                    // The socket is gone: nothing more can be written.
                    _ = self.queue.finish()
                    self.channel.close(promise: nil)
                    return
                }
                self.sent(items.reduce(0) { $0 + $1.bytes })
                if items.last?.isClose == true {
                    _ = self.queue.finish()
                    self.channel.close(promise: nil)
                } else {
                    self.scheduleDrain()
                }
            }
        }
    }
}

import NIOCore
import Locking

/// The hand-off between a connection's reader task (one producer) and `receive()` (one consumer
/// at a time): bounded, lossless, and with waits that can time out without harming the stream.
///
/// Why not `AsyncStream` or NIO's own inbound stream: cancelling a waiting `next()` on either
/// finishes the whole sequence, so a receive timeout would end the connection, and a conformance
/// check like "no reply within 500 ms, then send a valid request" needs the connection afterwards.
/// Why bounded: when `capacity` messages wait here the producer suspends, stops pulling from NIO,
/// NIO's inbound stream reaches its high watermark and stops issuing socket reads, and TCP pushes
/// back on the server. An unbounded buffer would hide a slow reader from the server.
final class InboundMessageBuffer: Sendable {
    /// How the stream of messages ended.
    enum End: Sendable {
        /// The server closed (close frame or TCP drop), or the client closed.
        case finished
        /// The server broke the protocol; `receive()` throws this.
        case failed(WebSocketConnectionError)
    }

    private enum Consumer {
        case none
        /// A receive claimed the consumer slot and is about to suspend.
        case reserved(id: UInt64)
        case waiting(id: UInt64, CheckedContinuation<WebSocketMessage?, any Error>)
        /// The receive's timeout or cancellation arrived before it suspended.
        case failedEarly(id: UInt64, any Error)
    }

    private struct State {
        var messages = CircularBuffer<WebSocketMessage>()
        var consumer = Consumer.none
        var producer: CheckedContinuation<Void, Never>?
        var end: End?
        /// Set by close: nobody will read any more, so the producer must never block again.
        var discarding = false
        var lastWaiterID: UInt64 = 0

        /// The suspended producer, when a message was just taken and there is room again.
        mutating func producerToWake(capacity: Int) -> CheckedContinuation<Void, Never>? {
            guard messages.count < capacity, let producer else { return nil }
            self.producer = nil
            return producer
        }
    }

    private enum Reservation {
        case message(WebSocketMessage, wake: CheckedContinuation<Void, Never>?)
        case ended(End)
        case busy
        case reserved(id: UInt64)
    }

    private enum PushAction {
        case dropped
        case stored
        case storedAndFull
        case handedOver(CheckedContinuation<WebSocketMessage?, any Error>)
    }

    private let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    // MARK: Producer side (the reader task)

    /// Adds a message; suspends while the buffer is full so that the socket stops being read.
    func push(_ message: WebSocketMessage) async {
        let action = state.withLock { state -> PushAction in
            if state.end != nil || state.discarding { return .dropped }
            if case .waiting(_, let continuation) = state.consumer {
                state.consumer = .none
                return .handedOver(continuation)
            }
            state.messages.append(message)
            return state.messages.count >= capacity ? .storedAndFull : .stored
        }
        switch action {
        case .dropped, .stored:
            return
        case .handedOver(let continuation):
            continuation.resume(returning: message)
        case .storedAndFull:
            await withCheckedContinuation { (producer: CheckedContinuation<Void, Never>) in
                let goOn = state.withLock { state -> Bool in
                    if state.messages.count < capacity || state.end != nil || state.discarding { return true }
                    state.producer = producer
                    return false
                }
                if goOn { producer.resume() }
            }
        }
    }

    /// Ends the stream. Messages already buffered are still delivered, then `end`. Only the
    /// first call counts.
    func finish(_ end: End) {
        let (consumer, producer) = state.withLock { state in
            guard state.end == nil else { return (CheckedContinuation<WebSocketMessage?, any Error>?.none, CheckedContinuation<Void, Never>?.none) }
            state.end = end
            var consumer: CheckedContinuation<WebSocketMessage?, any Error>?
            if case .waiting(_, let waiting) = state.consumer {
                state.consumer = .none
                consumer = waiting
            }
            let producer = state.producer
            state.producer = nil
            return (consumer, producer)
        }
        producer?.resume()
        guard let consumer else { return }
        switch end {
        case .finished: consumer.resume(returning: nil)
        case .failed(let error): consumer.resume(throwing: error)
        }
    }

    /// Drops buffered messages and every later one, and releases a blocked producer: used when
    /// the client closes, so the reader keeps draining until the server's close frame arrives.
    func discard() {
        let producer = state.withLock { state in
            state.discarding = true
            state.messages.removeAll()
            let producer = state.producer
            state.producer = nil
            return producer
        }
        producer?.resume()
    }

    // MARK: Consumer side (receive)

    /// The next message; nil once the stream finished; throws the stream's failure, `timeout`
    /// expiry (`WebSocketConnectionError.timedOut`) or cancellation. Neither timeout nor
    /// cancellation loses a message or ends the stream.
    func next(timeout: TimeAmount?, on eventLoop: any EventLoop) async throws -> WebSocketMessage? {
        let reservation = state.withLock { state -> Reservation in
            if let message = state.messages.popFirst() {
                return .message(message, wake: state.producerToWake(capacity: capacity))
            }
            if let end = state.end { return .ended(end) }
            guard case .none = state.consumer else { return .busy }
            state.lastWaiterID &+= 1
            state.consumer = .reserved(id: state.lastWaiterID)
            return .reserved(id: state.lastWaiterID)
        }
        switch reservation {
        case .message(let message, let producer):
            producer?.resume()
            return message
        case .ended(.finished):
            return nil
        case .ended(.failed(let error)):
            throw error
        case .busy:
            throw WebSocketConnectionError.receiveInProgress
        case .reserved(let id):
            let timer = timeout.map { amount in
                eventLoop.scheduleTask(in: amount) { self.fail(waiter: id, with: WebSocketConnectionError.timedOut) }
            }
            defer { timer?.cancel() }
            return try await withTaskCancellationHandler {
                try await suspend(waiter: id)
            } onCancel: {
                self.fail(waiter: id, with: CancellationError())
            }
        }
    }

    private func suspend(waiter id: UInt64) async throws -> WebSocketMessage? {
        try await withCheckedThrowingContinuation { continuation in
            let (outcome, producer) = state.withLock {
                state -> (Result<WebSocketMessage?, any Error>?, CheckedContinuation<Void, Never>?) in
                switch state.consumer {
                case .reserved(let reserved) where reserved == id:
                    // Cancellation sets the flag before running its handler, so checking it under
                    // the lock closes the gap between the reservation and this suspension.
                    if Task.isCancelled {
                        state.consumer = .none
                        return (.failure(CancellationError()), nil)
                    }
                    if let message = state.messages.popFirst() {
                        state.consumer = .none
                        return (.success(message), state.producerToWake(capacity: capacity))
                    }
                    switch state.end {
                    case .finished?:
                        state.consumer = .none
                        return (.success(nil), nil)
                    case .failed(let error)?:
                        state.consumer = .none
                        return (.failure(error), nil)
                    case nil:
                        state.consumer = .waiting(id: id, continuation)
                        return (nil, nil)
                    }
                case .failedEarly(let failed, let error) where failed == id:
                    state.consumer = .none
                    return (.failure(error), nil)
                default:
                    return (.failure(WebSocketConnectionError.receiveInProgress), nil)
                }
            }
            producer?.resume()
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Fails the waiter `id` if it still waits (timeout or cancellation); a message that won the
    /// race stays delivered.
    private func fail(waiter id: UInt64, with error: any Error) {
        let continuation = state.withLock { state -> CheckedContinuation<WebSocketMessage?, any Error>? in
            switch state.consumer {
            case .reserved(let reserved) where reserved == id:
                state.consumer = .failedEarly(id: id, error)
                return nil
            case .waiting(let waiting, let continuation) where waiting == id:
                state.consumer = .none
                return continuation
            default:
                return nil
            }
        }
        continuation?.resume(throwing: error)
    }
}

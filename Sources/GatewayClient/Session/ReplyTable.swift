import NIOCore
import Locking

/// Waiters for replies matched by key (a request id): each key is reserved *before* its request
/// is sent, so a reply that races ahead of the waiter is kept rather than lost, and every wait
/// ends by reply, timeout, cancellation or the connection's end.
final class ReplyTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The answer to ``reserve(_:)``.
    enum Reservation {
        case reserved
        /// Someone already waits for this key.
        case duplicate
        /// The table was closed; this is why.
        case closed(any Error)
    }

    private enum Slot {
        case reserved
        case waiting(CheckedContinuation<Value, any Error>)
        /// The outcome arrived before the waiter suspended.
        case resolved(Result<Value, any Error>)
    }

    private struct State {
        var slots: [Key: Slot] = [:]
        var closedBy: (any Error)?
    }

    private let state = Locked(State())

    /// Claims `key` for one upcoming ``wait(for:timeout:timeoutError:on:)``.
    func reserve(_ key: Key) -> Reservation {
        state.withLock { state in
            if let error = state.closedBy { return .closed(error) }
            guard state.slots[key] == nil else { return .duplicate }
            state.slots[key] = .reserved
            return .reserved
        }
    }

    /// Gives up a reservation whose request could not be sent.
    func release(_ key: Key) {
        _ = state.withLock { $0.slots.removeValue(forKey: key) }
    }

    /// Delivers the outcome for `key`; false when nobody reserved it (or its wait already ended).
    @discardableResult
    func resolve(_ key: Key, with outcome: Result<Value, any Error>) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Value, any Error>?) in
            switch state.slots[key] {
            case .reserved?:
                state.slots[key] = .resolved(outcome)
                return (true, nil)
            case .waiting(let continuation)?:
                state.slots[key] = nil
                return (true, continuation)
            case .resolved?, nil:
                return (false, nil)
            }
        }
        waiter?.resume(with: outcome)
        return accepted
    }

    /// Fails every waiter with `error` and refuses new reservations.
    func close(with error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard state.closedBy == nil else { return [] }
            state.closedBy = error
            var waiters: [CheckedContinuation<Value, any Error>] = []
            for (key, slot) in state.slots {
                switch slot {
                case .waiting(let continuation):
                    waiters.append(continuation)
                    state.slots[key] = nil
                case .reserved:
                    state.slots[key] = .resolved(.failure(error))
                case .resolved:
                    break
                }
            }
            return waiters
        }
        for waiter in waiters {
            waiter.resume(throwing: error)
        }
    }

    /// Waits for the outcome of a reserved key; throws `timeoutError` after `timeout`, or
    /// `CancellationError`. Either way the key is free afterwards.
    func wait(for key: Key, timeout: TimeAmount, timeoutError: any Error, on eventLoop: any EventLoop) async throws -> Value {
        let timer = eventLoop.scheduleTask(in: timeout) {
            self.resolve(key, with: .failure(timeoutError))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, any Error>? in
                    switch state.slots[key] {
                    case .reserved?:
                        // Cancellation sets the flag before its handler runs; checking under the
                        // lock closes the gap between reserve and this suspension.
                        if Task.isCancelled {
                            state.slots[key] = nil
                            return .failure(CancellationError())
                        }
                        state.slots[key] = .waiting(continuation)
                        return nil
                    case .resolved(let outcome)?:
                        state.slots[key] = nil
                        return outcome
                    case .waiting?, nil:
                        return .failure(state.closedBy ?? CancellationError())
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.resolve(key, with: .failure(CancellationError()))
        }
    }
}

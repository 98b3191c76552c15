import Locking

/// Runs a database call with a deadline the caller can count on.
///
/// postgres-nio fails a request queued for a connection only after 60 s, and a query on a
/// connection whose peer vanished without a reset (a node gone) waits for TCP to notice. A
/// gateway must answer its client long before either, so the caller gets ``Expired`` when the
/// deadline passes and the call is cancelled and left to end on its own; the caller's own
/// cancellation is passed on to the call.
enum CallDeadline {
    /// The call did not finish within its deadline.
    struct Expired: Error, Sendable {
        var timeout: Duration
    }

    static func run<T: Sendable>(
        _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = OneShot<T>()
        let work = Task {
            do {
                outcome.resolve(.success(try await operation()))
            } catch {
                outcome.resolve(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled {
                outcome.resolve(.failure(Expired(timeout: timeout)))
                work.cancel()
            }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }

    /// A result delivered once to one waiter, whichever comes first.
    private final class OneShot<T: Sendable>: Sendable {
        private enum State {
            case pending
            case waiting(CheckedContinuation<T, any Error>)
            case done(Result<T, any Error>)
            case delivered
        }

        private let state = Locked<State>(.pending)

        func resolve(_ result: Result<T, any Error>) {
            let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
                switch state {
                case .pending:
                    state = .done(result)
                    return nil
                case let .waiting(continuation):
                    state = .delivered
                    return continuation
                case .done, .delivered:
                    return nil
                }
            }
            waiter?.resume(with: result)
        }

        func value() async throws -> T {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<T, any Error>? = state.withLock { state in
                    if case let .done(result) = state {
                        state = .delivered
                        return result
                    }
                    state = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

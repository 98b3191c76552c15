import Foundation
import GeneratedProtocol
import Locking

/// Who waits for which run to end (`agent.wait`). A waiter registers before it checks whether the
/// run already ended, so an end in between is never missed; every waiter is removed when its run
/// ends, its wait times out or its request is cancelled, so the map holds only live waits.
final class RunCompletions: Sendable {
    /// How a run ended, as `agent.wait` reports it.
    struct Outcome: Sendable, Equatable {
        var status: AgentWaitResult.Status
        var error: String?
        var startedAt: Int64
        var endedAt: Int64
    }

    /// One registered wait.
    struct Waiter: Sendable {
        fileprivate let stream: AsyncStream<Outcome>
        fileprivate let continuation: AsyncStream<Outcome>.Continuation

        /// The outcome, or nil after `timeout` or when the waiting task is cancelled.
        func outcome(within timeout: Duration) async -> Outcome? {
            let timer = Task { [continuation] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                continuation.finish()
            }
            defer { timer.cancel() }
            for await outcome in stream { return outcome }
            return nil
        }

        /// Stops waiting (the outcome was found elsewhere).
        func cancel() {
            continuation.finish()
        }
    }

    private let waiters = Locked<[String: [UUID: AsyncStream<Outcome>.Continuation]]>([:])

    /// Registers a wait for `runId`.
    func waiter(for runId: String) -> Waiter {
        let (stream, continuation) = AsyncStream.makeStream(of: Outcome.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            self?.waiters.withLock { waiters in
                waiters[runId]?[id] = nil
                if waiters[runId]?.isEmpty == true { waiters[runId] = nil }
            }
        }
        waiters.withLock { $0[runId, default: [:]][id] = continuation }
        return Waiter(stream: stream, continuation: continuation)
    }

    /// The run ended: every waiter gets the outcome.
    func complete(_ runId: String, _ outcome: Outcome) {
        let continuations = waiters.withLock { $0.removeValue(forKey: runId).map { Array($0.values) } ?? [] }
        for continuation in continuations {
            continuation.yield(outcome)
            continuation.finish()
        }
    }

    /// The runs someone waits for now.
    var waitedRunIds: [String] { waiters.withLock { Array($0.keys) } }

    /// Waits registered now (for tests and metrics).
    var count: Int { waiters.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

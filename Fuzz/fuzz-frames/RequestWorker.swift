import Dispatch
import GeneratedProtocol
import Synchronization

/// The long-lived task that runs every input's asynchronous work, so an input starts no task
/// of its own.
///
/// libFuzzer counts mallocs and frees per input and runs LeakSanitizer after every input that
/// ends with more of the first (until it has done so 1,000 times). A task started per input —
/// or a child task per input — is freed only after it signalled the waiting thread, so every
/// input looked like a leak and half the CPU went to leak checks; worse, what such a task still
/// held then (its result: an enum whose payload pointer carries the case in its spare bits,
/// which LeakSanitizer cannot follow) was reported as leaked. Here the job runs inline on the
/// worker, is dropped before the waiting thread is woken, and the worker then holds nothing of
/// the input's.
///
/// A job past its deadline is stopped by cancelling the worker itself; a cancelled worker ends,
/// and the next job starts a new one.
final class RequestWorker: Sendable {
    typealias Job = @Sendable () async -> DispatchedResponse

    /// How long a job runs before it is cancelled.
    let deadline: Duration
    /// How long a cancelled job may take to end before it counts as a hang.
    let cancelDeadline: Duration

    private let settle: @Sendable () async -> Void
    private let pending = Mutex<Job?>(nil)
    private let answer = Mutex<DispatchedResponse?>(nil)
    private let done = DispatchSemaphore(value: 0)
    /// The running worker: how to wake it, and its task (to cancel it). nil once cancelled.
    private let current = Mutex<(wakeups: AsyncStream<Void>.Continuation, task: Task<Void, Never>)?>(nil)

    init(deadline: Duration, cancelDeadline: Duration, settle: @escaping @Sendable () async -> Void) {
        self.deadline = deadline
        self.cancelDeadline = cancelDeadline
        self.settle = settle
    }

    /// Runs `job` on the worker and waits for its answer; nil when it ignored its cancellation
    /// for `cancelDeadline`.
    func run(_ job: @escaping Job) -> DispatchedResponse? {
        pending.withLock { $0 = job }
        let wakeups = current.withLock { current in
            if let current { return current.wakeups }
            let started = start()
            current = started
            return started.wakeups
        }
        wakeups.yield()
        if done.wait(timeout: .now() + Self.dispatchInterval(deadline)) == .timedOut {
            // Cancel the worker (and with it the job); it ends after this job.
            current.withLock { current in
                current?.task.cancel()
                current = nil
            }
            guard done.wait(timeout: .now() + Self.dispatchInterval(cancelDeadline)) == .success else { return nil }
        }
        return answer.withLock { answer in
            defer { answer = nil }
            return answer
        }
    }

    private func start() -> (wakeups: AsyncStream<Void>.Continuation, task: Task<Void, Never>) {
        let (stream, wakeups) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
        let task = Task {
            for await _ in stream {
                await self.step()
                // Only now: `step` has returned, so this task holds nothing of the input's.
                self.done.signal()
                if Task.isCancelled { return }
            }
        }
        return (wakeups, task)
    }

    /// Runs the pending job, lets `settle` wait for what it left running (chat runs), and
    /// stores the answer; its frame is gone when it returns.
    private func step() async {
        let response = await runPending()
        await settle()
        answer.withLock { $0 = consume response }
    }

    /// Takes the job out of its slot and runs it; the job is released when this returns.
    private func runPending() async -> DispatchedResponse? {
        guard let job = pending.withLock({ slot in
            defer { slot = nil }
            return slot
        }) else { return nil }
        return await job()
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        .milliseconds(Int(duration / .milliseconds(1)))
    }
}

import Dispatch
import GeneratedProtocol
import Synchronization

/// The one long-lived task that runs every input's asynchronous work, so an input starts no
/// task of its own.
///
/// libFuzzer counts mallocs and frees per input and runs LeakSanitizer after every input that
/// ends with more of the first (until it has done so 1,000 times). A task started per input is
/// freed only after it signalled the waiting thread — after the input returned — so every
/// input looked like a leak and half the CPU went to leak checks. Here the job is taken out of
/// its slot, run to its end (including the chat runs it started) and dropped before the
/// waiting thread is woken, so an input frees what it allocated before it returns.
final class RequestWorker: Sendable {
    typealias Job = @Sendable () async -> DispatchedResponse

    /// How long a job runs before it is cancelled.
    let deadline: Duration
    /// How long a cancelled job may take to end before it counts as a hang.
    let cancelDeadline: Duration

    private let pending = Mutex<Job?>(nil)
    private let answer = Mutex<DispatchedResponse?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let wakeups: AsyncStream<Void>.Continuation

    init(deadline: Duration, cancelDeadline: Duration, settle: @escaping @Sendable () async -> Void) {
        self.deadline = deadline
        self.cancelDeadline = cancelDeadline
        let (stream, wakeups) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
        self.wakeups = wakeups
        // Lives as long as the process (the fuzzer's worker is a singleton).
        Task {
            for await _ in stream {
                await self.step(settle: settle)
                // Only now: `step` has returned, so this task holds nothing of the input's.
                self.done.signal()
            }
        }
    }

    /// Runs `job` on the worker and waits for its answer; nil when it ignored its cancellation
    /// for `cancelDeadline`.
    func run(_ job: @escaping Job) -> DispatchedResponse? {
        pending.withLock { $0 = job }
        wakeups.yield()
        let limit = deadline + cancelDeadline
        guard done.wait(timeout: .now() + .milliseconds(Int(limit / .milliseconds(1)))) == .success else {
            return nil
        }
        return answer.withLock { answer in
            defer { answer = nil }
            return answer
        }
    }

    /// Runs the pending job, lets `settle` wait for what it left running, and stores the answer.
    /// Its own frame is gone when it returns: a reference left there (an enum payload whose
    /// pointer carries a tag in its spare bits, which LeakSanitizer cannot follow) would be
    /// reported as a leak by the check that runs right after the waiting thread is woken.
    private func step(settle: @Sendable () async -> Void) async {
        let response = await runPending()
        await settle()
        answer.withLock { $0 = consume response }
    }

    /// Takes the job out of its slot and runs it, cancelled after `deadline`; the job is
    /// released when this returns.
    private func runPending() async -> DispatchedResponse? {
        guard let job = pending.withLock({ slot in
            defer { slot = nil }
            return slot
        }) else { return nil }
        let deadline = deadline
        return await withTaskGroup(of: DispatchedResponse?.self) { group in
            group.addTask { await job() }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            var response: DispatchedResponse?
            for await result in group {
                if let result {
                    response = result
                    group.cancelAll()
                } else {
                    // The deadline passed (or the job finished first and cancelled the sleep).
                    group.cancelAll()
                }
            }
            return response
        }
    }
}

import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the PIDs of every process the harness started and ends them: one by one when a
/// scenario is done, all of them when the harness returns, throws, or gets SIGINT/SIGTERM.
/// Only these PIDs are ever signalled.
final class ProcessSupervisor: Sendable {
    private struct State {
        var running: [pid_t: String] = [:]
        var exited: [pid_t: Int32] = [:]
        var terminating = false
    }

    private let state = Mutex(State())
    private let signalSources = Mutex<SignalSources?>(nil)

    /// Keeps the dispatch sources alive. Unchecked: set once, never touched again.
    private final class SignalSources: @unchecked Sendable {
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    }

    /// Runs `spawn` (which returns posix_spawn's status and the new PID) and registers the
    /// child, unless the harness is already terminating (then returns EINTR): a child started
    /// while a signal arrives is not missed.
    func spawn(name: String, _ spawn: () -> (status: Int32, pid: pid_t)) -> (status: Int32, pid: pid_t) {
        state.withLock { state in
            guard !state.terminating else { return (EINTR, 0) }
            let result = spawn()
            if result.status == 0 { state.running[result.pid] = name }
            return result
        }
    }

    /// Exit status of `pid` once it has ended (reaped here), nil while it runs.
    func exitStatus(of pid: pid_t) -> Int32? {
        if let status = state.withLock({ $0.exited[pid] }) { return status }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result < 0 ? -1 : nil }
        let code = Self.describe(status)
        state.withLock { state in
            state.running[pid] = nil
            state.exited[pid] = code
        }
        return code
    }

    /// SIGTERM to `pid`, SIGKILL after `grace`, and waits until it is reaped.
    func stop(_ pid: pid_t, grace: Duration) async {
        guard state.withLock({ $0.running[pid] != nil }) else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while exitStatus(of: pid) == nil {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while exitStatus(of: pid) == nil { try? await Task.sleep(for: .milliseconds(10)) }
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Ends every process still running: SIGTERM, then SIGKILL after `grace`. Synchronous, so
    /// it can run from a signal source or on the way out.
    func terminateAll(grace: Duration = .seconds(5)) {
        let pids = state.withLock { state in
            state.terminating = true
            return Array(state.running.keys)
        }
        for pid in pids { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        var remaining = pids
        while !remaining.isEmpty {
            remaining.removeAll { exitStatus(of: $0) != nil }
            if remaining.isEmpty { break }
            if ContinuousClock.now >= deadline {
                for pid in remaining { kill(pid, SIGKILL) }
                for pid in remaining { _ = waitpid(pid, nil, 0) }
                break
            }
            usleep(10_000)
        }
    }

    /// On SIGINT or SIGTERM: end the children, then exit with 128 + the signal.
    func installSignalHandlers() {
        let queue = DispatchQueue(label: "kubeclaw-bench.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                FileHandle.standardError.write(Data("kubeclaw-bench: signal \(number), stopping the processes it started\n".utf8))
                terminateAll(grace: .seconds(3))
                exit(128 + number)
            }
            source.resume()
            return source
        }
        let retained = SignalSources(sources)
        signalSources.withLock { $0 = retained }
    }

    private static func describe(_ status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (the C macros are not imported).
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process the harness started, with its output in files of the run directory. Every child
/// is registered with the ``ProcessSupervisor`` until it is stopped, so no exit path of the
/// harness leaves one behind.
final class ChildProcess: Sendable {
    let name: String
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let supervisor: ProcessSupervisor

    struct LaunchFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable` with `arguments`; the environment is the harness's plus `environment`.
    init(
        name: String, executable: String, arguments: [String], environment: [String: String] = [:], directory: String,
        supervisor: ProcessSupervisor
    ) throws {
        self.name = name
        self.supervisor = supervisor
        let stamp = "\(name)-\(UUID().uuidString.prefix(6))"
        stdoutPath = "\(directory)/\(stamp).out"
        stderrPath = "\(directory)/\(stamp).err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let (status, pid) = supervisor.spawn(name: name) {
            var pid: pid_t = 0
            let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
            return (status, pid)
        }
        guard status == 0 else {
            throw LaunchFailed(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// The first line of standard output that contains `marker`, waiting up to `timeout`.
    func waitForOutput(containing marker: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: stdoutPath, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.contains(marker) })
            {
                return String(line)
            }
            if let status = exitStatus() {
                throw LaunchFailed(description: "\(name) exited (\(status)) before printing '\(marker)': \(errorOutput())")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw LaunchFailed(description: "\(name) printed no '\(marker)' within \(timeout): \(errorOutput())")
    }

    /// The exit status if the process has ended (reaping it), nil while it runs.
    func exitStatus() -> Int32? {
        supervisor.exitStatus(of: pid)
    }

    /// The last lines of standard error, for messages.
    func errorOutput() -> String {
        let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: " | ")
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the process is gone and reaped.
    func stop(grace: Duration = .seconds(10)) async {
        await supervisor.stop(pid, grace: grace)
    }
}

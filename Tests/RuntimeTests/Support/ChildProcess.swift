import Foundation

/// A process the test started, with its output in files. Only this process is ever signalled,
/// by its own PID; `stop()` (call it in a `defer`) kills it if it still runs.
final class ChildProcess {
    let process = Process()
    let outputPath: String

    /// Starts `executable` with `arguments` and exactly `environment`; stdout and stderr go to
    /// one file in `directory`.
    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        outputPath = directory + "/\(URL(fileURLWithPath: executable).lastPathComponent)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
    }

    /// PATH and HOME only: no token or other setting leaks in from the test's environment. The
    /// sanitizers' options pass through, so a sanitized `kubeclaw` (`KUBECLAW_BUILD_DIR`) reports
    /// where the run asks it to (docs/security.md, "Sanitizers on the test suite").
    static var minimalEnvironment: [String: String] {
        let environment = ProcessInfo.processInfo.environment
        var minimal = ["PATH": environment["PATH"] ?? "/usr/bin:/bin", "HOME": environment["HOME"] ?? "/tmp"]
        for name in sanitizerOptions {
            minimal[name] = environment[name]
        }
        return minimal
    }

    private static let sanitizerOptions = ["TSAN_OPTIONS", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"]

    /// Runs a short command to its end (at most `timeout`, then it is killed): exit status
    /// (nil if it did not exit by itself) and output.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = minimalEnvironment,
        timeout: Duration = .seconds(15)
    ) async throws -> (status: Int32?, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
        defer { child.stop() }
        let status = try await child.waitForExit(timeout: timeout)
        return (status, child.output)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What the process wrote so far (stdout and stderr together).
    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Sends `signal` to this process.
    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits until the process exited, at most `timeout`; its exit status, or nil if it still runs
    /// (or was killed by a signal, then `terminationReason` says so).
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// Kills the process if it still runs and reaps it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

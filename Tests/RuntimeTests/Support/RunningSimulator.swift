import Foundation

/// An `ollama-sim` process on a port of its choosing, for the real `kubeclaw` binary to use.
struct RunningSimulator {
    let process: ChildProcess
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts it (with `arguments`, e.g. `--api anthropic`) and reads the port from its
    /// `listening on http://127.0.0.1:PORT` line.
    static func start(directory: String, arguments: [String] = [], environment: [String: String] = [:]) async throws -> RunningSimulator {
        let process = try ChildProcess(
            try BuiltProducts.path(of: "ollama-sim"), ["--host", "127.0.0.1", "--port", "0"] + arguments,
            environment: ChildProcess.minimalEnvironment.merging(environment) { _, new in new }, directory: directory)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let output = process.output
            if let range = output.range(of: #"listening on http://127\.0\.0\.1:\d+"#, options: .regularExpression),
               let port = output[range].split(separator: ":").last.flatMap({ Int($0) }) {
                return RunningSimulator(process: process, port: port)
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                process.stop()
                throw TestFailure("ollama-sim did not start; output:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

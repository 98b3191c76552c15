import Foundation

/// The Python test clients under `Tests/PythonClients/`, run with the interpreter of `.venv-clients/`
/// (created on first use by `scripts/python-clients-env.sh`, which installs the pinned packages).
enum PythonClients {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Created once per test process; every test awaits the same set-up.
    private static let interpreter = Task<String, any Error> {
        let script = packageRoot.appendingPathComponent("scripts/python-clients-env.sh").path
        let (status, output) = try await ChildProcess.run("/bin/bash", [script], timeout: .seconds(600))
        let path = output.split(separator: "\n").last.map(String.init) ?? ""
        guard status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("scripts/python-clients-env.sh failed (status \(String(describing: status))):\n\(output)")
        }
        return path
    }

    /// The venv's python (made on first use).
    static func python() async throws -> String {
        try await interpreter.value
    }

    /// Runs `Tests/PythonClients/<script>` with `arguments`; its exit status and output.
    static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(180)) async throws -> (status: Int32?, output: String) {
        let python = try await interpreter.value
        let path = packageRoot.appendingPathComponent("Tests/PythonClients/\(script)").path
        return try await ChildProcess.run(python, ["-u", path] + arguments, timeout: timeout)
    }
}

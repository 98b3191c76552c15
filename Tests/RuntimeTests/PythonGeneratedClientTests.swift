import Foundation
import Testing

/// The generated Python client (`clients/python/kubeclaw_client`) with its own pytest suite, in the
/// venv of `scripts/python-clients-env.sh`: `tests/test_live.py` starts a `kubeclaw serve` over
/// `ollama-sim` (the binaries built next to these tests) and does both handshakes (v4 also with a
/// signed device), health, sessions, a streamed and an aborted chat, typed errors, a timed-out
/// request cancelled on the gateway, the CLI and a reconnect across a server restart;
/// `tests/test_mock.py` runs the client and the CLI against the mock gateway.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct PythonGeneratedClientTests {
    @Test("the generated Python client passes its pytest suite against kubeclaw serve and the mock gateway")
    func pytestSuite() async throws {
        let python = try await PythonClients.python()
        let buildDirectory = URL(fileURLWithPath: try BuiltProducts.path(of: "kubeclaw")).deletingLastPathComponent().path
        var environment = ChildProcess.minimalEnvironment
        environment["KUBECLAW_BUILD_DIR"] = buildDirectory
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let tests = PythonClients.packageRoot.appendingPathComponent("clients/python/tests").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-pytest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            python, ["-m", "pytest", tests, "-p", "no:cacheprovider", "-v", "--tb=short"],
            environment: environment, directory: directory)
        defer { child.stop() }
        var status = try await child.waitForExit(timeout: .seconds(300))
        if status == nil, child.isRunning {
            // Out of time: SIGTERM lets conftest.py stop the servers it started (by PID) first.
            child.signal(SIGTERM)
            status = try await child.waitForExit(timeout: .seconds(10))
            child.stop()
        }
        let output = child.output
        if let summary = output.split(separator: "\n").last(where: { $0.contains(" passed") }) { print("pytest: \(summary)") }
        #expect(status == 0, "pytest failed:\n\(output)")
        #expect(output.contains(" passed"), "no pytest summary line:\n\(output)")
        #expect(!output.contains(" failed"), "\(output)")
        #expect(!output.contains(" skipped"), "every test must run:\n\(output)")
    }
}

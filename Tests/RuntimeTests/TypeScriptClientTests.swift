import Foundation
import Testing

/// The generated TypeScript client (`clients/typescript/`) with Node's built-in test runner:
/// `test/live.test.js` starts its own `kubeclaw serve` over `ollama-sim` (the binaries built
/// next to these tests) and does both handshakes, health, sessions, a streamed and an aborted
/// chat, typed errors, a cancelled timeout and a reconnect across a server restart;
/// `test/mock.test.js` runs the client against the mock gateway.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct TypeScriptClientTests {
    /// `node` from PATH and its major version, when installed.
    static let node: (path: String, major: Int)? = {
        let search = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let path = search.split(separator: ":").map({ "\($0)/node" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let version = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (path, Int(version.dropFirst().prefix { $0.isNumber }) ?? 0)
    }()

    @Test(
        "the TypeScript client passes its node tests against kubeclaw serve and the mock gateway",
        .enabled(if: (node?.major ?? 0) >= 20, "node 20+ is not installed: the TypeScript client tests need it (skipped)"))
    func nodeTests() async throws {
        let (node, major) = try #require(Self.node)
        // Node 20 and 21 have the platform WebSocket behind a flag; 22+ by default.
        let flags = major < 22 ? ["--experimental-websocket"] : []
        let buildDirectory = URL(fileURLWithPath: try BuiltProducts.path(of: "kubeclaw")).deletingLastPathComponent().path
        var environment = ChildProcess.minimalEnvironment
        environment["KUBECLAW_BUILD_DIR"] = buildDirectory
        let tests = PythonClients.packageRoot.appendingPathComponent("clients/typescript/test").path
        let (status, output) = try await ChildProcess.run(
            node, flags + ["--test", "--test-reporter=spec", tests], environment: environment, timeout: .seconds(240))
        #expect(status == 0, "node --test failed:\n\(output)")
        #expect(output.contains("ℹ fail 0"), "no summary line:\n\(output)")
    }
}

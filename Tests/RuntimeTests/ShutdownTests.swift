import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// Graceful shutdown in-process and in the real `kubeclaw` binary (SIGTERM), and the binary's
/// start-up refusals and version.
@Suite struct ShutdownTests {
    @Test("shutdown sends the shutdown event, then closes with 1012, and refuses new connections")
    func inProcessShutdown() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            gateway.server.shutdown()
            let event = try await recorder.event("shutdown")
            #expect(event.json?["payload"] == ["reason": "gateway stopping"])
            #expect(event.event?.seq != nil)
            #expect(try await recorder.closeCode() == 1012)
            #expect(session.closeReason == "service restart")
            await #expect(throws: WebSocketConnectionError.self) {
                _ = try await gateway.open()
            }
        }
    }

    @Test("SIGTERM to kubeclaw serve sends shutdown, closes with 1012 and exits 0")
    func sigterm() async throws {
        let directory = Self.temporaryDirectory("sigterm")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try Self.startSimulator(directory: directory)
        defer { simulator.stop() }
        let simulatorPort = try await Self.listeningPort(of: simulator)

        let token = "sigterm-\(UUID().uuidString)"
        let gateway = try await Self.startGateway(
            directory: directory, token: token, extraArguments: ["--ollama-url", "http://127.0.0.1:\(simulatorPort)"])
        defer { gateway.process.stop() }

        let session = try await GatewaySession.open(url: URL(string: "ws://127.0.0.1:\(gateway.webSocketPort)/")!).0
        let hello = try await session.connect(GatewayHarness.connectParams(token: token))
        let version = try await Self.version()
        #expect(hello.server.version == version)
        let recorder = FrameRecorder(session)
        // The gateway serves the backend it was pointed at.
        #expect(try await session.request("models.list").payload?["models"]?.arrayValue?.count == 2)
        #expect(try await HTTPReply.fetch("http://127.0.0.1:\(gateway.httpPort)/readyz").status == 200)

        gateway.process.signal(SIGTERM)
        let event = try await recorder.event("shutdown")
        #expect(event.json?["payload"]?["reason"] == "gateway stopping")
        #expect(try await recorder.closeCode() == 1012)
        let status = try await gateway.process.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "kubeclaw did not exit 0 after SIGTERM; output:\n\(gateway.process.output)")

        simulator.signal(SIGTERM)
        #expect(try await simulator.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test("kubeclaw serve refuses to bind 0.0.0.0 without a token and says how to fix it")
    func refusesUnauthenticatedPublicBind() async throws {
        let directory = Self.temporaryDirectory("public-bind")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ChildProcess(
            try BuiltProducts.path(of: "kubeclaw"),
            ["serve", "--host", "0.0.0.0", "--port", "0", "--http-port", "0", "--data-dir", directory + "/data"],
            environment: Self.baseEnvironment, directory: directory)
        defer { process.stop() }
        let status = try await process.waitForExit(timeout: .seconds(15))
        #expect(status != nil && status != 0, "exit status \(String(describing: status))")
        #expect(process.output.contains("OPENCLAW_GATEWAY_TOKEN"), "output: \(process.output)")
        #expect(process.output.contains("--allow-unauthenticated"))
    }

    @Test("kubeclaw --version prints the version")
    func version() async throws {
        let version = try await Self.version()
        #expect(version.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil, "version: \(version)")
    }

    // MARK: Processes

    /// PATH and HOME only: no token or other setting leaks in from the test's environment.
    static var baseEnvironment: [String: String] {
        let environment = ProcessInfo.processInfo.environment
        return ["PATH": environment["PATH"] ?? "/usr/bin:/bin", "HOME": environment["HOME"] ?? "/tmp"]
    }

    /// The output of `kubeclaw --version`, trimmed.
    static func version() async throws -> String {
        let directory = temporaryDirectory("version")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ChildProcess(try BuiltProducts.path(of: "kubeclaw"), ["--version"], environment: baseEnvironment, directory: directory)
        defer { process.stop() }
        let status = try await process.waitForExit(timeout: .seconds(15))
        #expect(status == 0)
        return process.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-\(name)-\(UUID().uuidString)").path
    }

    /// `ollama-sim` on a port of its choosing.
    static func startSimulator(directory: String) throws -> ChildProcess {
        try ChildProcess(
            try BuiltProducts.path(of: "ollama-sim"), ["--host", "127.0.0.1", "--port", "0"], environment: baseEnvironment,
            directory: directory)
    }

    /// The port from the simulator's `listening on http://127.0.0.1:PORT` line.
    static func listeningPort(of simulator: ChildProcess) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let output = simulator.output
            if let range = output.range(of: #"listening on http://127\.0\.0\.1:\d+"#, options: .regularExpression),
               let port = output[range].split(separator: ":").last.flatMap({ Int($0) }) {
                return port
            }
            guard simulator.isRunning else { throw TestFailure("ollama-sim exited: \(output)") }
            guard ContinuousClock.now < deadline else { throw TestFailure("ollama-sim did not start: \(output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct RunningGateway {
        var process: ChildProcess
        var webSocketPort: Int
        var httpPort: Int
    }

    /// `kubeclaw serve` on free loopback ports with a token, once `/startupz` answers 200. A port
    /// taken between choosing and binding makes the process exit; then it is tried again.
    static func startGateway(directory: String, token: String, extraArguments: [String]) async throws -> RunningGateway {
        var environment = baseEnvironment
        environment["OPENCLAW_GATEWAY_TOKEN"] = token
        for _ in 0..<3 {
            let webSocketPort = try await FreePort.next()
            let httpPort = try await FreePort.next()
            let process = try ChildProcess(
                try BuiltProducts.path(of: "kubeclaw"),
                ["serve", "--host", "127.0.0.1", "--port", "\(webSocketPort)", "--http-port", "\(httpPort)",
                 "--data-dir", directory + "/data", "--shutdown-grace", "2"] + extraArguments,
                environment: environment, directory: directory)
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline {
                if let reply = try? await HTTPReply.fetch("http://127.0.0.1:\(httpPort)/startupz", timeout: .seconds(2)),
                   reply.status == 200 {
                    return RunningGateway(process: process, webSocketPort: webSocketPort, httpPort: httpPort)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let output = process.output
            process.stop()
            guard output.contains("ddress already in use") else {
                throw TestFailure("kubeclaw serve did not start within 30 s; output:\n\(output)")
            }
        }
        throw TestFailure("kubeclaw serve could not bind free ports three times")
    }
}

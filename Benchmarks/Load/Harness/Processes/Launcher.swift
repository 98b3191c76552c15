import Foundation
import NIOCore

/// Starts the systems under test as child processes, from the binaries of the same build as
/// the harness (or the `--gateway-binary` given), in a temporary run directory.
struct Launcher: Sendable {
    let binaries: String
    let gatewayBinary: String
    let runDirectory: String
    let supervisor: ProcessSupervisor
    let group: any EventLoopGroup
    /// Extra `kubeclaw serve` arguments (`--gateway-arg`).
    var gatewayArguments: [String] = []

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The path of a sibling binary, or an error that says how to build it.
    func binary(_ name: String) throws -> String {
        let path = "\(binaries)/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            let configuration = URL(fileURLWithPath: binaries).lastPathComponent
            throw Missing(description: "\(path) is missing: build it first (swift build -c \(configuration) --product \(name)), or run Benchmarks/scripts/run-all.sh, which builds everything")
        }
        return path
    }

    /// The echo floor on a free port.
    func startFloor() async throws -> RunningSystem {
        let process = try ChildProcess(
            name: "bench-echo-server", executable: try binary("bench-echo-server"), arguments: ["--port", "0"],
            directory: runDirectory, supervisor: supervisor)
        do {
            let line = try await process.waitForOutput(containing: "listening on", timeout: .seconds(30))
            guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
                throw Missing(description: "bench-echo-server printed no port: \(line)")
            }
            return RunningSystem(
                name: "floor", endpoint: .init(host: "127.0.0.1", port: port), token: nil, pid: process.pid, httpPort: nil, process: process)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// `ollama-sim` replying with timestamp pieces (each piece is the instant it is written).
    func startSimulator(pieces: Int, piecesPerSecond: Double) async throws -> (process: ChildProcess, url: String) {
        let process = try ChildProcess(
            name: "ollama-sim", executable: try binary("ollama-sim"),
            arguments: ["--port", "0", "--timestamps", String(pieces), "--tokens-per-second", String(piecesPerSecond), "--log-level", "warning"],
            directory: runDirectory, supervisor: supervisor)
        do {
            let line = try await process.waitForOutput(containing: "listening on", timeout: .seconds(30))
            guard let url = line.split(separator: " ").last.map(String.init) else { throw Missing(description: "ollama-sim printed no URL: \(line)") }
            return (process, url)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// `kubeclaw serve --rate-limit 0 --max-runs-per-client 0` (no budget, no cap on concurrent
    /// runs: the harness's clients all share one address) with a fresh data directory and token, on free ports,
    /// returned once `/readyz` answers 200. `started` is the instant just before the spawn.
    /// `databaseURL`: the replicas' shared PostgreSQL store (`DATABASE_URL`); nil for SQLite.
    func startGateway(
        ollamaURL: String, databaseURL: String? = nil, readyTimeout: Duration = .seconds(60)
    ) async throws -> (system: RunningSystem, started: ContinuousClock.Instant) {
        var lastError: (any Error)?
        // The ports are picked free but released before the gateway binds them: retry if taken meanwhile.
        for _ in 0..<3 {
            let token = UUID().uuidString
            let port = try await FreePort.pick(group: group)
            let httpPort = try await FreePort.pick(group: group)
            let dataDirectory = "\(runDirectory)/data-\(UUID().uuidString.prefix(8))"
            let arguments = [
                "serve", "--host", "127.0.0.1", "--port", String(port), "--http-port", String(httpPort), "--data-dir", dataDirectory,
                "--ollama-url", ollamaURL, "--rate-limit", "0", "--max-runs-per-client", "0", "--log-level", "warning",
            ] + gatewayArguments
            let started = ContinuousClock.now
            let process = try ChildProcess(
                name: "kubeclaw", executable: gatewayBinary, arguments: arguments, environment: ["OPENCLAW_GATEWAY_TOKEN": token].merging(databaseURL.map { ["DATABASE_URL": $0] } ?? [:]) { $1 },
                directory: runDirectory, supervisor: supervisor)
            do {
                try await waitReady(process, httpPort: httpPort, timeout: readyTimeout)
                let system = RunningSystem(
                    name: "kubeclaw", endpoint: .init(host: "127.0.0.1", port: port), token: token, pid: process.pid, httpPort: httpPort,
                    process: process)
                return (system, started)
            } catch {
                await process.stop()
                lastError = error
                guard process.errorOutput().localizedCaseInsensitiveContains("in use") else { throw error }
            }
        }
        throw lastError ?? Missing(description: "kubeclaw did not start")
    }

    /// Polls `/readyz` every 2 ms until it answers 200.
    func waitReady(_ process: ChildProcess, httpPort: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = process.exitStatus() {
                throw Missing(description: "kubeclaw exited (\(status)) before it was ready: \(process.errorOutput())")
            }
            if await HTTPProbe.status(port: httpPort, path: "/readyz", group: group) == 200 { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw Missing(description: "kubeclaw was not ready within \(timeout): \(process.errorOutput())")
    }
}

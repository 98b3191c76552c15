import Foundation
import NIOCore
import ThrowawayPostgres

/// What every scenario works with: the settings, the launcher, the gateway's backend, the
/// client's event loops, and (with `--url`) the external gateway.
struct BenchEnvironment: Sendable {
    let settings: Settings
    let launcher: Launcher
    /// The `ollama-sim` URL the started gateways use (nil with `--url`).
    let simulatorURL: String?
    /// A gateway given by `--url`, measured instead of a started one.
    let external: RunningSystem?
    let clientGroup: any EventLoopGroup

    /// The name of the system under test in the report.
    var systemName: String { external?.name ?? "kubeclaw" }

    /// Progress, on standard error (standard output carries the report).
    func log(_ line: String) {
        FileHandle.standardError.write(Data("kubeclaw-bench: \(line)\n".utf8))
    }

    func dialer(for system: RunningSystem) -> Dialer {
        var dialer = Dialer(endpoint: system.endpoint, token: system.token, group: clientGroup)
        dialer.awaitsChallenge = system.sendsChallenge
        return dialer
    }

    /// Runs `body` against a freshly started gateway (stopped afterwards), or the external one.
    func withSystemUnderTest<Result: Sendable>(_ body: (RunningSystem) async throws -> Result) async throws -> Result {
        if let external { return try await body(external) }
        guard let simulatorURL else { throw Launcher.Missing(description: "no simulator for the gateway") }
        let system = try await launcher.startGateway(ollamaURL: simulatorURL).system
        do {
            let result = try await body(system)
            await system.stop()
            return result
        } catch {
            await system.stop()
            throw error
        }
    }

    /// Runs `body` against `count` freshly started gateways sharing one PostgreSQL database
    /// (`--database-url`, or a throwaway server the harness starts and removes), stopped afterwards.
    func withReplicas<Result: Sendable>(_ count: Int, _ body: ([RunningSystem]) async throws -> Result) async throws -> Result {
        guard let simulatorURL else { throw Launcher.Missing(description: "no simulator for the gateways") }
        var server: ThrowawayPostgres?
        let databaseURL: String
        if let given = settings.databaseURL {
            databaseURL = given
        } else {
            let started = try await ThrowawayPostgres.start()
            server = started
            databaseURL = try await started.createDatabase(prefix: "kubeclaw_bench")
        }
        defer { server?.destroy() }
        var systems: [RunningSystem] = []
        do {
            for _ in 0..<count {
                systems.append(try await launcher.startGateway(ollamaURL: simulatorURL, databaseURL: databaseURL).system)
            }
            let result = try await body(systems)
            for system in systems { await system.stop() }
            return result
        } catch {
            for system in systems { await system.stop() }
            throw error
        }
    }

    /// Runs `body` against a freshly started echo floor (stopped afterwards); nil with `--no-floor`.
    func withFloor<Result: Sendable>(path: String = "/", _ body: (RunningSystem) async throws -> Result) async throws -> Result? {
        guard settings.floor else { return nil }
        let floor = try await launcher.startFloor()
        let system = RunningSystem(
            name: floor.name, endpoint: .init(host: floor.endpoint.host, port: floor.endpoint.port, path: path), token: nil,
            pid: floor.pid, httpPort: nil, process: floor.process)
        do {
            let result = try await body(system)
            await system.stop()
            return result
        } catch {
            await system.stop()
            throw error
        }
    }

    /// Opens `count` connections or throws with the first failures.
    func open(
        _ count: Int, to system: RunningSystem, concurrency: Int = 64, behaviour: @escaping @Sendable (Int) -> any ConnectionBehaviour
    ) async throws -> [ClientConnection] {
        let (connections, _, failures) = try await dialer(for: system).open(count: count, concurrency: concurrency, behaviour: behaviour)
        guard failures.isEmpty else {
            await Self.close(connections)
            throw Launcher.Missing(description: "\(failures.count) of \(count) connections to \(system.name) failed: \(failures.prefix(3).joined(separator: "; "))")
        }
        return connections
    }

    /// Closes connections, many at a time.
    static func close(_ connections: [ClientConnection]) async {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.close() }
            }
        }
    }
}

import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `kubeclaw-bench`: the load harness. It starts the system under test (`kubeclaw serve` from
/// the same build, `--rate-limit 0`, backed by `ollama-sim`) and the floor (`bench-echo-server`)
/// as processes, drives both from this process over loopback, and reports every figure beside
/// the floor's. docs/benchmarks.md explains each scenario and the numbers.
@main
struct KubeclawBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeclaw-bench",
        abstract: "Load benchmarks of the gateway against a bare SwiftNIO WebSocket floor.",
        discussion: """
            Scenarios: \(Scenario.all.map(\.rawValue).joined(separator: ", ")) (default: all, in that order).
            Build in release first: swift build -c release (or Benchmarks/scripts/run-all.sh).
            Every process it starts is stopped by PID when it ends, fails, or gets SIGINT/SIGTERM.
            """)

    @Argument(help: "Scenarios to run (default: all).")
    var scenarios: [Scenario] = []

    @Option(help: "Measure a running gateway at this ws:// URL instead of starting kubeclaw.")
    var url: String?

    @Option(help: "Token for --url (default: env OPENCLAW_GATEWAY_TOKEN).")
    var token: String?

    @Option(help: "PID of the --url gateway, for its memory figures.")
    var pid: Int32?

    @Flag(name: .customLong("no-challenge"), help: "The --url gateway sends no connect.challenge: send connect right after the upgrade.")
    var noChallenge = false

    @Option(help: "Name of the system under test in the report (default: kubeclaw).")
    var label: String?

    @Option(name: .customLong("gateway-binary"), help: "The kubeclaw binary to start (default: the one next to kubeclaw-bench).")
    var gatewayBinary: String?

    @Option(name: .customLong("gateway-arg"), parsing: .unconditionalSingleValue, help: "An extra argument for kubeclaw serve (repeatable).")
    var gatewayArguments: [String] = []

    @Option(help: "Write the report as JSON to this file.")
    var json: String?

    @Flag(help: "About ten seconds per scenario, small counts: checks the harness works (the numbers mean little).")
    var smoke = false

    @Flag(name: .customLong("no-floor"), help: "Do not run the echo floor.")
    var noFloor = false

    @Option(help: "Client event loop threads (the rest of the 2 cores serve).")
    var clientThreads = 1

    @Option(help: "rpc: connection counts, comma-separated.")
    var rpcConnections: String?

    @Option(help: "rpc: seconds measured per connection count (after the warm-up).")
    var duration: Double?

    @Option(help: "handshake: how many.")
    var handshakes: Int?

    @Option(help: "idle: connections held open.")
    var idleConnections: Int?

    @Option(help: "stream: concurrent chats.")
    var streams: Int?

    @Option(help: "stream: connections sending and watching them.")
    var streamConnections: Int?

    @Option(help: "Pieces per simulated reply.")
    var pieces: Int?

    @Option(help: "Simulated model pace, pieces per second.")
    var piecesPerSecond: Double?

    @Option(help: "fanout: watching connections.")
    var fanoutWatchers: Int?

    @Option(help: "fanout: chats streaming at once in the session.")
    var fanoutChats: Int?

    @Option(help: "startup: runs (median reported).")
    var startupRuns: Int?

    @Option(help: "soak: seconds (default 600).")
    var soakDuration: Double?

    @Option(help: "soak: connections replaced per second.")
    var soakChurn: Int?

    @Option(help: "stream and fanout: also run on this many gateways sharing one PostgreSQL database (2...5; default 1, off).")
    var replicas: Int?

    @Option(name: .customLong("database-url"), help: "--replicas: their database (default: a throwaway PostgreSQL the harness starts; needs its server binaries).")
    var databaseURL: String?

    @Flag(help: "Keep the run directory (server logs, data) instead of deleting it.")
    var keepLogs = false

    func validate() throws {
        if let url, Self.endpoint(url) == nil { throw ValidationError("--url must look like ws://HOST:PORT[/PATH]") }
        guard (1...16).contains(clientThreads) else { throw ValidationError("--client-threads must be 1...16") }
        for (name, value) in [("handshakes", handshakes), ("idle-connections", idleConnections), ("streams", streams),
            ("stream-connections", streamConnections), ("pieces", pieces), ("fanout-watchers", fanoutWatchers),
            ("fanout-chats", fanoutChats), ("startup-runs", startupRuns), ("soak-churn", soakChurn)]
        {
            if let value, !(1...50_000).contains(value) { throw ValidationError("--\(name) must be 1...50000") }
        }
        for (name, value) in [("duration", duration), ("pieces-per-second", piecesPerSecond), ("soak-duration", soakDuration)] {
            if let value, !(value > 0 && value <= 86_400) { throw ValidationError("--\(name) must be positive (at most a day)") }
        }
        if let replicas, !(1...5).contains(replicas) { throw ValidationError("--replicas must be 1...5") }
        if let counts = rpcConnections, Self.counts(counts) == nil { throw ValidationError("--rpc-connections: a comma-separated list of 1...50000") }
    }

    func run() async throws {
        let limit = FileDescriptorLimit.raiseToHardLimit()
        let settings = resolvedSettings()
        let needed = max(settings.idleConnections, settings.handshakes) + 200
        if limit < needed {
            throw ValidationError("the open-files limit is \(limit); this run needs \(needed): raise it (ulimit -n) or lower the counts")
        }
        let supervisor = ProcessSupervisor()
        supervisor.installSignalHandlers()
        let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        var failed = false
        do {
            failed = try await measure(settings: settings, supervisor: supervisor, runDirectory: runDirectory, group: group)
        } catch {
            supervisor.terminateAll()
            try? await group.shutdownGracefully()
            FileHandle.standardError.write(Data("kubeclaw-bench: \(error) (logs: \(runDirectory))\n".utf8))
            throw ExitCode.failure
        }
        supervisor.terminateAll()
        try? await group.shutdownGracefully()
        if keepLogs || failed {
            FileHandle.standardError.write(Data("kubeclaw-bench: server logs and data in \(runDirectory)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: runDirectory)
        }
        if failed { throw ExitCode.failure }
    }

    /// Runs the scenarios; returns whether any failed.
    private func measure(settings: Settings, supervisor: ProcessSupervisor, runDirectory: String, group: MultiThreadedEventLoopGroup) async throws -> Bool {
        let binaries = Self.ownDirectory()
        let selected = scenarios.isEmpty ? Scenario.all : Scenario.all.filter(scenarios.contains)
        var launcher = Launcher(
            binaries: binaries, gatewayBinary: gatewayBinary ?? "\(binaries)/kubeclaw", runDirectory: runDirectory, supervisor: supervisor,
            group: group)
        launcher.gatewayArguments = gatewayArguments
        var external: RunningSystem?
        var simulatorURL: String?
        if let url, let endpoint = Self.endpoint(url) {
            external = RunningSystem(
                name: label ?? "external", endpoint: endpoint, token: token ?? ProcessInfo.processInfo.environment["OPENCLAW_GATEWAY_TOKEN"],
                pid: pid, httpPort: nil, process: nil, sendsChallenge: !noChallenge)
        } else {
            guard FileManager.default.isExecutableFile(atPath: launcher.gatewayBinary) else {
                _ = try launcher.binary("kubeclaw")
                throw Launcher.Missing(description: "\(launcher.gatewayBinary) is not executable")
            }
            simulatorURL = try await launcher.startSimulator(pieces: settings.pieces, piecesPerSecond: settings.piecesPerSecond).url
        }
        if settings.floor { _ = try launcher.binary("bench-echo-server") }
        let environment = BenchEnvironment(
            settings: settings, launcher: launcher, simulatorURL: simulatorURL, external: external, clientGroup: group)
        var report = BenchReport(
            startedAt: ISO8601DateFormatter().string(from: Date()), machine: .current(), build: URL(fileURLWithPath: binaries).lastPathComponent,
            system: environment.systemName, gatewayBinary: external == nil ? launcher.gatewayBinary : nil, smoke: settings.smoke,
            scenarios: selected.map(\.rawValue))
        environment.log("load average \(report.machine.loadAverage.map { String($0) }.joined(separator: " ")); logs in \(runDirectory)")
        for scenario in selected {
            let started = ContinuousClock.now
            do {
                report.figures += try await Self.run(scenario, in: environment)
                environment.log("\(scenario.rawValue): done in \(Format.value(StartupScenario.milliseconds(ContinuousClock.now - started) / 1000)) s")
            } catch {
                report.failures.append("\(scenario.rawValue): \(error)")
                environment.log("\(scenario.rawValue) FAILED: \(error)")
            }
        }
        report.loadAverageAtEnd = MachineInfo.loadAverage()
        print("\nkubeclaw-bench \(report.build) build, \(report.machine.cores) cores (\(report.machine.cpu)), load average \(report.machine.loadAverage.map { String($0) }.joined(separator: " ")) → \(report.loadAverageAtEnd.map { String($0) }.joined(separator: " "))\(settings.smoke ? ", SMOKE (numbers mean little)" : "")\n")
        print(report.table)
        print()
        print(report.details)
        for failure in report.failures { print("FAILED \(failure)") }
        if let json {
            try report.write(json: json)
            environment.log("wrote \(json)")
        }
        return !report.failures.isEmpty
    }

    private static func run(_ scenario: Scenario, in environment: BenchEnvironment) async throws -> [Figure] {
        switch scenario {
        case .startup: try await StartupScenario().run(in: environment)
        case .rpc: try await RPCScenario().run(in: environment)
        case .handshake: try await HandshakeScenario().run(in: environment)
        case .idle: try await IdleScenario().run(in: environment)
        case .stream: try await StreamScenario().run(in: environment)
        case .fanout: try await FanoutScenario().run(in: environment)
        case .soak: try await SoakScenario().run(in: environment)
        }
    }

    private func resolvedSettings() -> Settings {
        var settings = Settings()
        if smoke { settings.shrinkForSmoke() }
        settings.floor = !noFloor
        if let counts = rpcConnections.flatMap(Self.counts) { settings.rpcConnections = counts }
        if let duration { settings.rpcDuration = duration }
        if let handshakes { settings.handshakes = handshakes }
        if let idleConnections { settings.idleConnections = idleConnections }
        if let streams { settings.streams = streams }
        if let streamConnections { settings.streamConnections = min(streamConnections, settings.streams) }
        if let pieces { settings.pieces = pieces }
        if let piecesPerSecond { settings.piecesPerSecond = piecesPerSecond }
        if let fanoutWatchers { settings.fanoutWatchers = fanoutWatchers }
        if let fanoutChats { settings.fanoutChats = fanoutChats }
        if let startupRuns { settings.startupRuns = startupRuns }
        if let soakDuration { settings.soakDuration = soakDuration }
        if let soakChurn { settings.soakChurnPerSecond = soakChurn }
        if let replicas { settings.replicas = replicas }
        settings.databaseURL = databaseURL
        return settings
    }

    /// The directory of this executable: the servers are its siblings in the same build.
    static func ownDirectory() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    static func endpoint(_ url: String) -> Dialer.Endpoint? {
        guard let components = URLComponents(string: url), components.scheme == "ws", let host = components.host, let port = components.port,
            (1...65_535).contains(port)
        else { return nil }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?\(query)" }
        return Dialer.Endpoint(host: host, port: port, path: path)
    }

    static func counts(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ (1...50_000).contains($0) }) else { return nil }
        return values
    }
}

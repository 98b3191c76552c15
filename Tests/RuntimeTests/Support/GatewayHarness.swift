import AsyncHTTPClient
import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import KubeclawServer
import NIOCore
import NIOHTTP1
import OllamaSimulator
import Runtime

/// A real gateway on free loopback ports, backed by an in-process Ollama simulator and a
/// SQLite store in a temporary directory — assembled exactly as `kubeclaw serve` does.
struct GatewayHarness: Sendable {
    static let token = "test-token-\(UUID().uuidString.prefix(8))"

    let assembly: GatewayAssembly
    let simulator: OllamaSimulator
    let addresses: ServerState.Addresses
    let dataDirectory: String
    /// The token the gateway requires, if any.
    let token: String?

    var server: GatewayServer<Gateway> { assembly.server }
    var webSocketURL: URL { URL(string: "ws://127.0.0.1:\(addresses.webSocketPort)/")! }

    /// Opens a WebSocket; nothing is sent yet (the challenge is read).
    func open(path: String = "/", headers: [(String, String)] = []) async throws -> GatewaySession {
        let url = URL(string: "ws://127.0.0.1:\(addresses.webSocketPort)\(path)")!
        return try await GatewaySession.open(url: url, headers: headers, configuration: Self.patientClient).0
    }

    /// The tests' client: it waits up to 60 s for the challenge and for each answer. Waits end as
    /// soon as the frame arrives, so this costs nothing on an idle machine; on a loaded one (the
    /// whole suite runs in parallel on 2 cores) the 10 s defaults failed connects that were merely slow.
    static let patientClient: GatewaySessionConfiguration = {
        var configuration = GatewaySessionConfiguration()
        configuration.challengeTimeout = .seconds(60)
        configuration.requestTimeout = .seconds(60)
        return configuration
    }()

    /// A session past the handshake.
    func connect(
        scopes: [String] = ["operator.admin"], token: String?? = .none, clientId: String = "test", mode: String = "test",
        instanceId: String? = nil
    ) async throws -> GatewaySession {
        let session = try await open()
        _ = try await session.connect(Self.connectParams(
            scopes: scopes, token: token ?? self.token, clientId: clientId, mode: mode, instanceId: instanceId))
        return session
    }

    static func connectParams(
        scopes: [String] = ["operator.admin"], token: String?, clientId: String = "test", mode: String = "test",
        instanceId: String? = nil, minProtocol: Int = 3, maxProtocol: Int = 3
    ) -> ConnectParams {
        ConnectParams(
            auth: token.map { ConnectParams.Auth(token: $0) },
            client: .init(id: .init(rawValue: clientId), instanceId: instanceId, mode: .init(rawValue: mode), platform: "linux", version: "1.0.0"),
            maxProtocol: maxProtocol, minProtocol: minProtocol, scopes: scopes)
    }

    /// A request on the HTTP (ops) port; GET unless told otherwise.
    func http(_ path: String, method: HTTPMethod = .GET) async throws -> HTTPReply {
        try await HTTPReply.fetch("http://127.0.0.1:\(addresses.httpPort)\(path)", method: method)
    }

    /// GET on the WebSocket port (Control UI).
    func webGet(_ path: String) async throws -> HTTPReply {
        try await HTTPReply.fetch("http://127.0.0.1:\(addresses.webSocketPort)\(path)")
    }

    /// The `/metrics` text of the ops port.
    func metrics() async throws -> PrometheusText {
        PrometheusText(try await http("/metrics").body)
    }
}

/// Runs `body` against a fresh gateway, then shuts it down gracefully (as SIGTERM would).
func withGateway(
    token: String? = GatewayHarness.token,
    behaviour: SimulatorBehaviour = SimulatorBehaviour(),
    dataDirectory: String? = nil,
    ollamaURL: String? = nil,
    configFileText: String? = nil,
    configure: (inout RuntimeConfiguration) -> Void = { _ in },
    assemble: (inout GatewayAssembly.Configuration) -> Void = { _ in },
    _ body: (GatewayHarness) async throws -> Void
) async throws {
    let simulator = OllamaSimulator(behaviour: behaviour)
    let directory = dataDirectory ?? FileManager.default.temporaryDirectory
        .appendingPathComponent("kubeclaw-runtime-\(UUID().uuidString)").path
    defer { if dataDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    // The `--config` file, written where `kubeclaw serve` would read it from.
    var configFile = ConfigFile()
    if let configFileText {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/config.json"
        try Data(configFileText.utf8).write(to: URL(fileURLWithPath: path))
        configFile = ConfigFile.load(path: path)
    }
    try await simulator.withRunning { simulatorPort in
        var runtime = RuntimeConfiguration()
        runtime.port = 0
        runtime.httpPort = 0
        runtime.shutdownGracePeriod = .seconds(2)
        runtime.auth = token.map { AuthConfiguration(mode: .token, secret: $0) } ?? AuthConfiguration()
        configure(&runtime)
        var configuration = GatewayAssembly.Configuration(
            runtime: runtime, dataDirectory: directory, ollamaURL: ollamaURL ?? "http://127.0.0.1:\(simulatorPort)",
            configFile: configFile)
        configuration.logLevel = .warning
        assemble(&configuration)
        let assembly = try await GatewayAssembly(configuration)
        try await assembly.withRunning { addresses in
            try await body(GatewayHarness(
                assembly: assembly, simulator: simulator, addresses: addresses, dataDirectory: directory, token: token))
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

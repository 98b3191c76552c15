import Foundation
import GatewayClient

/// `kubeclaw serve` as a real process with a token, on ports it picks itself (`--port 0
/// --http-port 0`): no other test can take them between choosing and binding.
struct RunningGateway {
    let process: ChildProcess
    let webSocketPort: Int
    let httpPort: Int
    let token: String

    var webSocketURL: URL { URL(string: "ws://127.0.0.1:\(webSocketPort)/")! }

    /// A session of this gateway past the handshake.
    func connect(scopes: [String] = ["operator.admin"], instanceId: String? = nil) async throws -> GatewaySession {
        let session = try await GatewaySession.open(url: webSocketURL, configuration: GatewayHarness.patientClient).0
        _ = try await session.connect(GatewayHarness.connectParams(scopes: scopes, token: token, instanceId: instanceId))
        return session
    }

    /// GET on the ops port.
    func http(_ path: String) async throws -> HTTPReply {
        try await HTTPReply.fetch("http://127.0.0.1:\(httpPort)\(path)")
    }

    /// Starts `kubeclaw serve` with `arguments` after the host, ports and data directory; reads
    /// the bound ports from its `gateway listening` log line, then waits for `/startupz` 200.
    /// `token` is what clients send; the environment carries `environmentToken` (default `token`)
    /// plus `extra` (provider keys and URLs).
    static func start(
        directory: String, token: String, environmentToken: String? = nil, arguments: [String],
        environment extra: [String: String] = [:]
    ) async throws -> RunningGateway {
        var environment = ChildProcess.minimalEnvironment.merging(extra) { _, new in new }
        environment["OPENCLAW_GATEWAY_TOKEN"] = environmentToken ?? token
        let process = try ChildProcess(
            try BuiltProducts.path(of: "kubeclaw"),
            ["serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--data-dir", directory + "/data",
             "--log-format", "text", "--log-level", "info"] + arguments,
            environment: environment, directory: directory)
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline {
            let output = process.output
            if let webSocketPort = port(in: output, after: "ws=ws://127.0.0.1:"),
               let httpPort = port(in: output, after: "http=http://127.0.0.1:"),
               let reply = try? await HTTPReply.fetch("http://127.0.0.1:\(httpPort)/startupz", timeout: .seconds(10)),
               reply.status == 200 {
                return RunningGateway(process: process, webSocketPort: webSocketPort, httpPort: httpPort, token: token)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let output = process.output
        process.stop()
        throw TestFailure("kubeclaw serve did not start within 60 s; output:\n\(output)")
    }

    /// The port number right after `prefix` in `text`.
    private static func port(in text: String, after prefix: String) -> Int? {
        guard let range = text.range(of: prefix) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

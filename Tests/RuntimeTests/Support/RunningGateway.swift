import Foundation
import GatewayClient

/// `kubeclaw serve` as a real process on free loopback ports, with a token.
struct RunningGateway {
    let process: ChildProcess
    let webSocketPort: Int
    let httpPort: Int
    let token: String

    var webSocketURL: URL { URL(string: "ws://127.0.0.1:\(webSocketPort)/")! }

    /// A session of this gateway past the handshake.
    func connect(scopes: [String] = ["operator.admin"], instanceId: String? = nil) async throws -> GatewaySession {
        let session = try await GatewaySession.open(url: webSocketURL).0
        _ = try await session.connect(GatewayHarness.connectParams(scopes: scopes, token: token, instanceId: instanceId))
        return session
    }

    /// GET on the ops port.
    func http(_ path: String) async throws -> HTTPReply {
        try await HTTPReply.fetch("http://127.0.0.1:\(httpPort)\(path)")
    }

    /// Starts `kubeclaw serve` with `arguments` after the host, ports and data directory, and
    /// returns once `/startupz` answers 200. A port taken between choosing and binding makes the
    /// process exit; then it is tried again on other ports.
    static func start(directory: String, token: String, arguments: [String]) async throws -> RunningGateway {
        var environment = ChildProcess.minimalEnvironment
        environment["OPENCLAW_GATEWAY_TOKEN"] = token
        for _ in 0..<3 {
            let webSocketPort = try await FreePort.next()
            let httpPort = try await FreePort.next()
            let process = try ChildProcess(
                try BuiltProducts.path(of: "kubeclaw"),
                ["serve", "--host", "127.0.0.1", "--port", "\(webSocketPort)", "--http-port", "\(httpPort)",
                 "--data-dir", directory + "/data"] + arguments,
                environment: environment, directory: directory)
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline {
                if let reply = try? await HTTPReply.fetch("http://127.0.0.1:\(httpPort)/startupz", timeout: .seconds(2)),
                   reply.status == 200 {
                    return RunningGateway(process: process, webSocketPort: webSocketPort, httpPort: httpPort, token: token)
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

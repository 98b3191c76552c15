import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// The configured secrets — the gateway token or password and the provider API keys — appear in
/// nothing a full run produces: no response or event a client receives, no HTTP answer on either
/// port, no line of the gateway's debug log, nothing the conformance runner printed, and no byte
/// of the data directory. The run: `kubeclaw conformance` (every method with every example in the
/// spec, streamed chats, aborts), chats whose primary provider rejects its key (401) and whose
/// fallback answers, failed logins, and every HTTP endpoint.
@Suite(.timeLimit(.minutes(10)))
struct SecretsFullRunTests {
    @Test("token auth: a full run shows neither the token nor an API key anywhere")
    func tokenRun() async throws {
        try await withProviders { directory, secrets, arguments, environment in
            let token = "tok-\(UUID().uuidString)"
            let gateway = try await RunningGateway.start(
                directory: directory, token: token, arguments: arguments, environment: environment)
            defer { gateway.process.stop() }
            var seen = try await Self.exercise(gateway, auth: ConnectParams.Auth(token: token))
            let conformance = try await ChildProcess.run(
                try BuiltProducts.path(of: "kubeclaw"),
                ["conformance", "--url", gateway.webSocketURL.absoluteString, "--json", directory + "/conformance.json", "--timeout", "30"],
                environment: ChildProcess.minimalEnvironment.merging(["OPENCLAW_GATEWAY_TOKEN": token]) { _, new in new },
                timeout: .seconds(300))
            #expect(conformance.status != nil, "the conformance run ended by itself")
            #expect(conformance.output.contains("passed"), "the conformance run reported: \(conformance.output.suffix(500))")
            seen.append(("conformance output", conformance.output))
            try Self.expectAbsent(secrets + [token], from: seen, gateway: gateway, directory: directory)
        }
    }

    @Test("password auth: a full run shows neither the password nor an API key anywhere")
    func passwordRun() async throws {
        try await withProviders { directory, secrets, arguments, environment in
            let password = "pw-\(UUID().uuidString)"
            let gateway = try await RunningGateway.start(
                directory: directory, token: "unused", arguments: arguments + ["--auth-mode", "password"],
                environment: environment.merging(["OPENCLAW_GATEWAY_PASSWORD": password]) { _, new in new })
            defer { gateway.process.stop() }
            let seen = try await Self.exercise(gateway, auth: ConnectParams.Auth(password: password))
            try Self.expectAbsent(secrets + [password], from: seen, gateway: gateway, directory: directory)
        }
    }

    /// Three provider simulators: OpenAI (the primary) rejects the key it is given, Anthropic (the
    /// fallback) accepts its key, Ollama serves `ollama/…`. Runs `body` with the data directory,
    /// the provider keys, and the gateway's arguments and environment.
    private func withProviders(
        _ body: (String, [String], [String], [String: String]) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let anthropicKey = "sk-ant-\(UUID().uuidString)"
        let openAIKey = "sk-oai-\(UUID().uuidString)"
        let anthropic = try await RunningSimulator.start(
            directory: directory, arguments: ["--api", "anthropic", "--tokens-per-second", "25", "--api-key-env", "SIM_KEY"],
            environment: ["SIM_KEY": anthropicKey])
        defer { anthropic.process.stop() }
        let openAI = try await RunningSimulator.start(
            directory: directory, arguments: ["--api", "openai", "--tokens-per-second", "25", "--api-key-env", "SIM_KEY"],
            environment: ["SIM_KEY": "not-the-configured-key"])
        defer { openAI.process.stop() }
        let ollama = try await RunningSimulator.start(directory: directory, arguments: ["--tokens-per-second", "25"])
        defer { ollama.process.stop() }
        try await body(
            directory, [anthropicKey, openAIKey],
            ["--ollama-url", ollama.url, "--model", "openai/gpt-4.1-mini", "--fallback", "anthropic/claude-sonnet-4-5",
             "--rate-limit", "0", "--log-level", "debug"],
            ["ANTHROPIC_API_KEY": anthropicKey, "ANTHROPIC_BASE_URL": anthropic.url,
             "OPENAI_API_KEY": openAIKey, "OPENAI_BASE_URL": openAI.url + "/v1"])
    }

    /// Logins that fail, a session that chats (primary 401 → fallback) and calls the read
    /// methods, and every HTTP endpoint: everything received, labelled.
    private static func exercise(_ gateway: RunningGateway, auth: ConnectParams.Auth) async throws -> [(String, String)] {
        var seen: [(String, String)] = []
        for wrong in [ConnectParams.Auth(token: "wrong"), ConnectParams.Auth(password: "wrong"), ConnectParams.Auth()] {
            let session = try await GatewaySession.open(url: gateway.webSocketURL, configuration: GatewayHarness.patientClient).0
            var params = GatewayHarness.connectParams(token: nil)
            params.auth = wrong
            let refused = try await session.rawConnect(params)
            #expect(!refused.ok)
            seen.append(("refused connect", String(describing: refused)))
            await session.close()
        }
        let session = try await GatewaySession.open(url: gateway.webSocketURL, configuration: GatewayHarness.patientClient).0
        let recorder = FrameRecorder(session)
        var params = GatewayHarness.connectParams(token: nil, maxProtocol: 4)
        params.auth = auth
        let hello = try await session.rawConnect(params)
        #expect(hello.ok)
        let chat = try await recorder.run(try await session.startChat("hello"), timeout: .seconds(60))
        #expect(chat.terminal["message"]?["provider"] == "anthropic", "the primary's 401 fell back to Anthropic")
        for method in ["health", "status", "config.get", "models.list", "models.authStatus", "sessions.list", "logs.tail", "agents.list"] {
            _ = try await session.request(method)
        }
        _ = try await session.request("health", params: ["probe": true])
        _ = try await session.request("logs.tail", params: ["limit": 5_000])
        _ = try await session.request("chat.history", params: ["sessionKey": "main"])
        seen += recorder.frames.map { ("frame", $0.raw) }
        await session.close()
        for path in ["/", "/healthz", "/readyz", "/startupz", "/metrics"] {
            seen.append(("GET \(path) (ops port)", try await gateway.http(path).body))
        }
        seen.append(("GET / (WebSocket port)", try await HTTPReply.fetch("http://127.0.0.1:\(gateway.webSocketPort)/").body))
        return seen
    }

    /// No secret in anything seen, in the gateway's log, or in any file of the data directory.
    private static func expectAbsent(_ secrets: [String], from seen: [(String, String)], gateway: RunningGateway, directory: String) throws {
        var sources = seen
        sources.append(("gateway log", gateway.process.output))
        #expect(gateway.process.output.contains("debug"), "the log was written at debug level")
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        for file in files where !file.hasSuffix(".log") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { continue }
            sources.append(("file \(file)", String(decoding: data, as: UTF8.self)))
        }
        #expect(sources.count > 20, "the run produced what it should have")
        for secret in secrets {
            for (label, text) in sources where text.contains(secret) {
                Issue.record("a secret (\(secret.prefix(6))…) appears in \(label)")
            }
        }
    }
}

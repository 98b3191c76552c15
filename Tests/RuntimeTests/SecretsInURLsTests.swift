import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// Credentials written into the Ollama URL (`http://user:pass@host`, or `OLLAMA_HOST`'s
/// scheme-less `user:pass@host:port`) reach Ollama as an `Authorization` header and nowhere
/// else: not `health`, not the `hello-ok` snapshot, not `status`, not `config.get` (effective
/// configuration, parsed file, raw file), not `/readyz` or `/healthz`, not `logs.tail`, not the
/// process's log output. The real `kubeclaw serve` binary, so `config.get` is built exactly as
/// in production.
@Suite(.timeLimit(.minutes(2)))
struct SecretsInURLsTests {
    @Test("credentials in the Ollama URL (flag and config file) appear in no response, probe body or log line")
    func ollamaURLCredentialsNeverReachClients() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-url-secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ollama = try await RunningSimulator.start(directory: directory)
        defer { ollama.process.stop() }

        let flagSecret = "flagpw\(UUID().uuidString.prefix(8))"
        let fileSecret = "filepw\(UUID().uuidString.prefix(8))"
        // The config file names Ollama with credentials; the flag (scheme-less, as OLLAMA_HOST
        // allows) overrides it with other credentials. Neither may show.
        let configPath = directory + "/config.json"
        try Data(#"{"ollama":{"url":"http://fileuser:\#(fileSecret)@127.0.0.1:\#(ollama.port)"}}"#.utf8)
            .write(to: URL(fileURLWithPath: configPath))
        let gateway = try await RunningGateway.start(
            directory: directory, token: "url-secrets-\(UUID().uuidString)",
            arguments: ["--config", configPath, "--ollama-url", "flaguser:\(flagSecret)@127.0.0.1:\(ollama.port)"])
        defer { gateway.process.stop() }

        var seen: [(String, String)] = []
        let session = try await GatewaySession.open(url: gateway.webSocketURL).0
        let hello = try await session.rawConnect(GatewayHarness.connectParams(token: gateway.token))
        #expect(hello.ok)
        seen.append(("hello-ok", String(describing: hello.payload ?? .null)))
        for (method, params) in [
            ("health", nil), ("health", ["probe": true]), ("status", nil), ("config.get", nil), ("logs.tail", nil),
        ] as [(String, JSONValue?)] {
            let response = try await session.request(method, params: params)
            #expect(response.ok, "\(method)")
            seen.append((method, String(describing: response.payload ?? .null)))
        }
        // The Ollama URL is really used (with its credentials): a chat run completes.
        let recorder = FrameRecorder(session)
        let run = try await recorder.run(try await session.startChat("hello"), timeout: .seconds(30))
        #expect(run.terminal["state"] == "final")
        for path in ["/readyz", "/healthz", "/readyz?verbose=1"] {
            seen.append((path, try await gateway.http(path).body))
        }
        let logs = try await session.request("logs.tail", params: ["limit": 1000])
        seen.append(("logs.tail after a run", String(describing: logs.payload ?? .null)))
        await session.close()
        seen.append(("process output", gateway.process.output))

        for (place, text) in seen {
            #expect(!text.contains(flagSecret) && !text.contains(fileSecret), "a URL credential leaked through \(place): \(text.prefix(2000))")
        }
        // Still useful: the address is shown, with the credentials replaced.
        let config = try #require(seen.first { $0.0 == "config.get" }?.1)
        #expect(config.contains("127.0.0.1:\(ollama.port)"))
        #expect(config.contains("__OPENCLAW_REDACTED__@127.0.0.1"))
    }
}

import Foundation
import GatewayClient
import Testing

/// The real binaries: `ollama-sim --api anthropic|openai` as a person would run them, and
/// `kubeclaw serve` reading `ANTHROPIC_*` / `OPENAI_*` from its environment and `--model` /
/// `--fallback` from its flags.
@Suite(.timeLimit(.minutes(10)))
struct ProviderServeTests {
    @Test("kubeclaw serve --model anthropic/… --fallback openai/…: Anthropic answers; when it is overloaded OpenAI does")
    func serveWithProviders() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-providers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let anthropicKey = "sk-ant-serve-test-\(UUID().uuidString.prefix(8))"
        let anthropic = try await RunningSimulator.start(
            directory: directory, arguments: ["--api", "anthropic", "--tokens-per-second", "25", "--api-key-env", "SIM_KEY"],
            environment: ["SIM_KEY": anthropicKey])
        defer { anthropic.process.stop() }
        let openAI = try await RunningSimulator.start(directory: directory, arguments: ["--api", "openai", "--tokens-per-second", "25"])
        defer { openAI.process.stop() }
        let ollama = try await RunningSimulator.start(directory: directory)
        defer { ollama.process.stop() }

        let gateway = try await RunningGateway.start(
            directory: directory, token: "providers-\(UUID().uuidString)",
            arguments: ["--ollama-url", ollama.url, "--model", "anthropic/claude-sonnet-4-5", "--fallback", "openai/gpt-4.1-mini"],
            environment: [
                "ANTHROPIC_API_KEY": anthropicKey, "ANTHROPIC_BASE_URL": anthropic.url,
                "OPENAI_API_KEY": "sk-openai-serve-test", "OPENAI_BASE_URL": openAI.url + "/v1",
            ])
        defer { gateway.process.stop() }
        #expect(try await gateway.http("/readyz").status == 200)

        let session = try await gateway.connect()
        let recorder = FrameRecorder(session)
        let first = try await recorder.run(try await session.startChat("hello"), timeout: .seconds(30))
        #expect(first.terminal["message"]?["provider"] == "anthropic")

        // Overload the primary through the simulator's control endpoint, as a person would with curl.
        let patched = try await HTTPReply.post(anthropic.url + "/_sim/behaviour", json: #"{"error_status": 529}"#)
        #expect(patched.status == 200)
        let second = try await recorder.run(try await session.startChat("again"), timeout: .seconds(30))
        #expect(second.terminal["message"]?["provider"] == "openai")

        let config = try await session.request("config.get")
        let text = String(describing: config.payload ?? .null)
        #expect(!text.contains(anthropicKey) && !text.contains("sk-openai-serve-test"), "config.get never shows a key")
        #expect(config.payload?["config"]?["providers"]?["anthropic"]?["apiKeyEnv"] == "ANTHROPIC_API_KEY")
        #expect(!gateway.process.output.contains(anthropicKey), "the log never shows a key")
        await session.close()
    }
}

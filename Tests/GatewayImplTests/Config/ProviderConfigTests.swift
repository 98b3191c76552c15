import Foundation
import GeneratedProtocol
import Testing
@testable import GatewayImpl

/// The `providers` section and `agent.fallbacks` of the config file, and how the environment
/// completes them into ``ProviderSettings``.
@Suite struct ProviderConfigTests {
    static func parse(_ json: String) -> ConfigFile {
        ConfigFile.parse(Data(json.utf8), path: "/etc/kubeclaw/config.json")
    }

    @Test("named OpenAI-compatible providers, built-in overrides and fallbacks are read")
    func reads() throws {
        let file = Self.parse("""
            {"agent": {"model": "vllm/Qwen/Qwen2.5-7B-Instruct", "fallbacks": ["anthropic/claude-sonnet-4-5", "qwen2.5:14b"]},
             "providers": {
               "vllm": {"api": "openai-completions", "baseUrl": "http://vllm:8000/v1", "apiKeyEnv": "VLLM_API_KEY",
                        "models": [{"id": "Qwen/Qwen2.5-7B-Instruct", "contextWindow": 32768}, "other"], "maxRetries": 0},
               "anthropic": {"maxTokens": 4096},
               "openai": {"baseUrl": "https://proxy.example/v1", "streamUsage": false}}}
            """)
        #expect(file.isValid, "\(file.issues)")
        #expect(file.agent.fallbacks == ["anthropic/claude-sonnet-4-5", "qwen2.5:14b"])
        #expect(file.agent.modelChain == ["vllm/Qwen/Qwen2.5-7B-Instruct", "anthropic/claude-sonnet-4-5", "qwen2.5:14b"])
        let vllm = try #require(file.providers.first { $0.name == "vllm" })
        #expect(vllm.api == .openAICompletions)
        #expect(vllm.models == [DeclaredModel(id: "Qwen/Qwen2.5-7B-Instruct", contextWindow: 32768), DeclaredModel(id: "other")])

        let settings = ProviderSettings(
            ollamaURL: "http://127.0.0.1:11434", file: file.providers,
            environment: ["VLLM_API_KEY": "v-key", "ANTHROPIC_API_KEY": "a-key", "OPENAI_BASE_URL": "https://env.example/v1"])
        #expect(settings.providers.map(\.name) == ["ollama", "openai", "anthropic", "vllm"])
        let openAI = try #require(settings.provider(named: "openai"))
        #expect(openAI.baseURL == "https://env.example/v1", "the environment beats the file")
        #expect(!openAI.hasAPIKey && openAI.requiresAPIKey && !openAI.streamUsage)
        #expect(!settings.isActive(openAI), "no key: not asked for its models")
        let anthropic = try #require(settings.provider(named: "anthropic"))
        #expect(anthropic.apiKey == "a-key" && anthropic.maxTokens == 4096 && anthropic.retry.maxRetries == 2)
        let named = try #require(settings.provider(named: "vllm"))
        #expect(named.apiKey == "v-key" && named.apiKeyVariable == "VLLM_API_KEY" && named.retry.maxRetries == 0)
        #expect(settings.provider(named: "ollama")?.retry.maxRetries == 0)
        #expect(settings.problems().isEmpty)
        #expect(!String(describing: anthropic).contains("a-key"), "a configuration's description never shows its key")
    }

    @Test("provider/model references: a known provider prefix routes, anything else is an Ollama name")
    func references() {
        let settings = ProviderSettings(
            ollamaURL: "", file: [ProviderFileEntry(name: "vllm", api: .openAICompletions, baseURL: "http://vllm:8000/v1")])
        #expect(settings.reference("openai/gpt-4.1-mini") == ModelReference(provider: "openai", model: "gpt-4.1-mini"))
        #expect(settings.reference("vllm/Qwen/Qwen2.5-7B-Instruct") == ModelReference(provider: "vllm", model: "Qwen/Qwen2.5-7B-Instruct"))
        #expect(settings.reference("qwen2.5:14b") == ModelReference(provider: "ollama", model: "qwen2.5:14b"))
        #expect(settings.reference("ollama/qwen2.5:14b") == ModelReference(provider: "ollama", model: "qwen2.5:14b"))
        #expect(settings.reference("hf.co/bartowski/Llama-3.2-1B-GGUF").provider == "ollama")
        #expect(settings.reference("hf.co/bartowski/Llama-3.2-1B-GGUF").model == "hf.co/bartowski/Llama-3.2-1B-GGUF")
        #expect(settings.reference("ollama/qwen2.5:14b").stored == "qwen2.5:14b")
        #expect(settings.reference("vllm/m").stored == "vllm/m")
    }

    @Test("mistakes are issues with their JSON path; a key in the file is refused", arguments: [
        (#"{"providers": {"vllm": {"baseUrl": "http://vllm:8000/v1"}}}"#, "/providers/vllm/api"),
        (#"{"providers": {"vllm": {"api": "openai-completions"}}}"#, "/providers/vllm/baseUrl"),
        (#"{"providers": {"vllm": {"api": "grpc", "baseUrl": "http://x/v1"}}}"#, "/providers/vllm/api"),
        (#"{"providers": {"vllm": {"api": "openai-completions", "baseUrl": "ftp://x"}}}"#, "/providers/vllm/baseUrl"),
        (#"{"providers": {"vllm": {"api": "openai-completions", "baseUrl": "http://user:pw@x/v1"}}}"#, "/providers/vllm/baseUrl"),
        (#"{"providers": {"openai": {"apiKey": "sk-live-123"}}}"#, "/providers/openai/apiKey"),
        (#"{"providers": {"openai": {"api": "anthropic-messages"}}}"#, "/providers/openai/api"),
        (#"{"providers": {"openai": {"apiKeyEnv": "not a name"}}}"#, "/providers/openai/apiKeyEnv"),
        (#"{"providers": {"openai": {"maxRetries": 99}}}"#, "/providers/openai/maxRetries"),
        (#"{"providers": {"anthropic": {"maxTokens": 0}}}"#, "/providers/anthropic/maxTokens"),
        (#"{"providers": {"x": {"api": "openai-completions", "baseUrl": "http://x/v1", "models": [{"contextWindow": 5}]}}}"#, "/providers/x/models"),
        (#"{"providers": {"Bad Name": {}}}"#, "/providers/Bad Name"),
        (#"{"providers": {"ollama": {}}}"#, "/providers/ollama"),
        (#"{"providers": []}"#, "/providers"),
        (#"{"agent": {"fallbacks": "openai/gpt-4.1"}}"#, "/agent/fallbacks"),
        (#"{"agent": {"fallbacks": ["a", "", "b"]}}"#, "/agent/fallbacks"),
    ])
    func issues(json: String, path: String) {
        let file = Self.parse(json)
        #expect(!file.isValid)
        #expect(file.issues.map(\.path).contains(path), "\(file.issues)")
        #expect(!file.issues.map(\.message).joined().contains("sk-live-123"))
    }

    @Test("an environment base URL that cannot be used is a start-up problem")
    func environmentProblems() {
        let settings = ProviderSettings(ollamaURL: "", environment: ["ANTHROPIC_BASE_URL": "api.anthropic.com"])
        #expect(settings.problems() == ["the base URL of provider \"anthropic\" must start with http:// or https://"])
    }
}

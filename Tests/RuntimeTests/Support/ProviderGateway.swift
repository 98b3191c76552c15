import Foundation
import GatewayImpl
import KubeclawServer
import OllamaSimulator

/// The gateway in front of all three kinds of provider at once: the harness's Ollama
/// simulator, an OpenAI simulator (as the built-in `openai` and as the named OpenAI-compatible
/// provider `vllm`), and an Anthropic simulator — each with its own key.
struct ProviderSimulators: Sendable {
    let openAI: ModelSimulator
    let vllm: ModelSimulator
    let anthropic: ModelSimulator

    static let openAIKey = "sk-test-openai-000111222"
    static let anthropicKey = "sk-ant-test-333444555"
    static let vllmKey = "vllm-test-666777888"

    func simulator(for provider: String) -> ModelSimulator? {
        switch provider {
        case "openai": openAI
        case "vllm": vllm
        case "anthropic": anthropic
        default: nil
        }
    }
}

/// Runs `body` against a gateway whose agent uses `model` and `fallbacks`, with the provider
/// simulators behaving as given (paced at 25 pieces a second unless told otherwise). The
/// providers' keys are set unless `withoutKeys` names them.
func withProviderGateway(
    model: String, fallbacks: [String] = [],
    openAI: SimulatorBehaviour? = nil, vllm: SimulatorBehaviour? = nil, anthropic: SimulatorBehaviour? = nil,
    ollama: SimulatorBehaviour = SimulatorBehaviour(tokensPerSecond: 25), withoutKeys: Set<String> = [],
    firstTokenTimeout: Duration? = nil, configure: (inout ProviderSettings) -> Void = { _ in },
    _ body: (GatewayHarness, ProviderSimulators) async throws -> Void
) async throws {
    func paced(_ api: SimulatorAPI, _ behaviour: SimulatorBehaviour?, models: [SimulatorModel]? = nil) -> SimulatorBehaviour {
        var behaviour = behaviour ?? SimulatorBehaviour.defaults(for: api)
        if behaviour == SimulatorBehaviour.defaults(for: api) { behaviour.tokensPerSecond = 25 }
        if let models { behaviour.models = models }
        return behaviour
    }
    let vllmModels = [SimulatorModel(name: "Qwen/Qwen2.5-7B-Instruct", contextLength: 32_768, family: "qwen2", parameterSize: "7B")]
    var openAIBehaviour = paced(.openAI, openAI)
    openAIBehaviour.apiKey = openAIBehaviour.apiKey ?? ProviderSimulators.openAIKey
    var vllmBehaviour = paced(.openAI, vllm, models: vllm == nil ? vllmModels : nil)
    vllmBehaviour.apiKey = vllmBehaviour.apiKey ?? ProviderSimulators.vllmKey
    var anthropicBehaviour = paced(.anthropic, anthropic)
    anthropicBehaviour.apiKey = anthropicBehaviour.apiKey ?? ProviderSimulators.anthropicKey
    let sims = ProviderSimulators(
        openAI: ModelSimulator(api: .openAI, behaviour: openAIBehaviour),
        vllm: ModelSimulator(api: .openAI, behaviour: vllmBehaviour),
        anthropic: ModelSimulator(api: .anthropic, behaviour: anthropicBehaviour))
    try await sims.openAI.withRunning { openAIPort in
        try await sims.vllm.withRunning { vllmPort in
            try await sims.anthropic.withRunning { anthropicPort in
                var environment = [
                    "OPENAI_API_KEY": ProviderSimulators.openAIKey, "OPENAI_BASE_URL": "http://127.0.0.1:\(openAIPort)/v1",
                    "ANTHROPIC_API_KEY": ProviderSimulators.anthropicKey, "ANTHROPIC_BASE_URL": "http://127.0.0.1:\(anthropicPort)",
                    "VLLM_API_KEY": ProviderSimulators.vllmKey,
                ]
                if withoutKeys.contains("openai") { environment["OPENAI_API_KEY"] = nil }
                if withoutKeys.contains("anthropic") { environment["ANTHROPIC_API_KEY"] = nil }
                if withoutKeys.contains("vllm") { environment["VLLM_API_KEY"] = nil }
                let file = [
                    ProviderFileEntry(
                        name: "vllm", api: .openAICompletions, baseURL: "http://127.0.0.1:\(vllmPort)/v1", apiKeyEnv: "VLLM_API_KEY",
                        models: [DeclaredModel(id: "Qwen/Qwen2.5-7B-Instruct", contextWindow: 32_768)]),
                ]
                try await withGateway(behaviour: ollama, assemble: { configuration in
                    configuration.agent.model = model
                    configuration.agent.fallbacks = fallbacks
                    if let firstTokenTimeout { configuration.firstTokenTimeout = firstTokenTimeout }
                    var settings = ProviderSettings(ollamaURL: configuration.ollamaURL, file: file, environment: environment)
                    // Quick retries, so tests of retry and fallback do not wait half a second each time.
                    for index in settings.providers.indices where settings.providers[index].api != .ollama {
                        settings.providers[index].retry = RetryPolicy(maxRetries: 2, initialBackoff: .milliseconds(50))
                    }
                    configure(&settings)
                    configuration.providers = settings
                }) { gateway in
                    try await body(gateway, sims)
                }
            }
        }
    }
}

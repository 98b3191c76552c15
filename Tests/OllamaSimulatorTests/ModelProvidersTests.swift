import GatewayImpl
import OllamaSimulator
import Testing

/// The router over real simulators: selection by `provider/model`, retries honouring
/// `Retry-After` (and refusing hostile ones), fallbacks before the first token only, back to
/// the primary on the next run, the aggregated catalog, readiness and key states.
@Suite(.timeLimit(.minutes(10)))
struct ModelProvidersTests {
    /// Ollama, OpenAI and Anthropic simulators and settings pointing at them.
    static func withThree(
        ollama: SimulatorBehaviour? = nil, openAI: SimulatorBehaviour? = nil, anthropic: SimulatorBehaviour? = nil,
        openAIKey: String? = ProviderFixtures.openAIKey,
        _ body: (ProviderSettings, (ollama: ModelSimulator, openAI: ModelSimulator, anthropic: ModelSimulator)) async throws -> Void
    ) async throws {
        try await withProviderSimulator(.ollama, ollama) { ollamaSim, ollamaURL in
            try await withProviderSimulator(.openAI, openAI) { openAISim, openAIURL in
                try await withProviderSimulator(.anthropic, anthropic) { anthropicSim, anthropicURL in
                    let settings = ProviderSettings(providers: [
                        ProviderConfiguration(name: "ollama", api: .ollama, baseURL: ollamaURL),
                        ProviderFixtures.openAI(openAIURL, key: openAIKey),
                        ProviderFixtures.anthropic(anthropicURL),
                    ])
                    try await body(settings, (ollamaSim, openAISim, anthropicSim))
                }
            }
        }
    }

    @Test("provider/model routes to its provider with the bare model; a bare name goes to Ollama")
    func routes() async throws {
        try await Self.withThree { settings, sims in
            try await withProviders(settings) { providers in
                for (model, provider) in [("openai/gpt-4.1-mini", "openai"), ("anthropic/claude-haiku-4-5", "anthropic"), ("qwen2.5:14b", "ollama")] {
                    let completion = try await providers.chat(ProviderFixtures.question(model)) { _ in }
                    #expect(completion.provider == provider)
                    #expect(completion.text == SimulatorReply.defaultText)
                }
                #expect(sims.openAI.stats().lastChatRequest?.model == "gpt-4.1-mini")
                #expect(sims.anthropic.stats().lastChatRequest?.model == "claude-haiku-4-5")
                #expect(sims.ollama.stats().lastChatRequest?.model == "qwen2.5:14b")
                #expect(sims.anthropic.stats().lastChatRequest?.apiKey == ProviderFixtures.anthropicKey)
                #expect(sims.openAI.stats().lastChatRequest?.apiKey == ProviderFixtures.openAIKey, "each provider gets its own key")
            }
        }
    }

    @Test("rate limited once with Retry-After: retried after the wait, then answered")
    func retriesAfterRetryAfter() async throws {
        let limited = SimulatorBehaviour(
            models: SimulatorBehaviour.defaultModels(for: .openAI), errorStatus: 429, errorCount: 1, retryAfter: "0.3")
        try await Self.withThree(openAI: limited) { settings, sims in
            try await withProviders(settings) { providers in
                let started = ContinuousClock.now
                let completion = try await providers.chat(ProviderFixtures.question("openai/gpt-4.1-mini")) { _ in }
                #expect(ContinuousClock.now - started >= .milliseconds(300), "waited as asked")
                #expect(completion.provider == "openai")
                #expect(sims.openAI.stats().chatsStarted == 2 && sims.openAI.stats().chatsFailed == 1)
            }
        }
    }

    @Test("a hostile Retry-After is not waited for: no retry, the fallback answers at once", arguments: ["1e300", "99999999999", "-1e308"])
    func hostileRetryAfter(value: String) async throws {
        let limited = SimulatorBehaviour(models: SimulatorBehaviour.defaultModels(for: .anthropic), errorStatus: 429, retryAfter: value)
        try await Self.withThree(anthropic: limited) { settings, sims in
            try await withProviders(settings) { providers in
                let completion = try await providers.chat(
                    ProviderFixtures.question("anthropic/claude-sonnet-4-5"), fallbacks: ["openai/gpt-4.1-mini"]) { _ in }
                #expect(completion.provider == "openai")
                // A negative value means "no usable wait": the normal backoff and retries apply.
                #expect(sims.anthropic.stats().chatsStarted == (value.hasPrefix("-") ? 3 : 1))
            }
        }
    }

    @Test("529 overloaded before the first token: the fallback answers; the next run starts with the primary again")
    func fallbackAndBack() async throws {
        let overloaded = SimulatorBehaviour(models: SimulatorBehaviour.defaultModels(for: .anthropic), errorStatus: 529)
        try await Self.withThree(anthropic: overloaded) { settings, sims in
            try await withProviders(settings) { providers in
                let request = ProviderFixtures.question("anthropic/claude-sonnet-4-5")
                let fallbacks = ["openai/gpt-4.1-mini", "qwen2.5:14b"]
                let log = DeltaLog()
                let first = try await providers.chat(request, fallbacks: fallbacks) { log.append($0) }
                #expect(first.provider == "openai" && first.model == "gpt-4.1-mini")
                #expect(log.all.joined() == SimulatorReply.defaultText, "only the fallback's text reached the client")
                #expect(sims.anthropic.stats().chatsStarted == 3, "the primary was retried twice first")
                #expect(sims.ollama.stats().chatsStarted == 0)

                sims.anthropic.updateBehaviour { $0.errorStatus = nil }
                let second = try await providers.chat(request, fallbacks: fallbacks) { _ in }
                #expect(second.provider == "anthropic", "back to the primary")
                #expect(sims.openAI.stats().chatsStarted == 1)
            }
        }
    }

    @Test("a provider without a key fails at once with 'set OPENAI_API_KEY', never calling it; fallbacks cover it")
    func missingKey() async throws {
        try await Self.withThree(openAIKey: nil) { settings, sims in
            try await withProviders(settings) { providers in
                await #expect(throws: ModelBackendError.missingAPIKey(provider: "openai", variable: "OPENAI_API_KEY")) {
                    try await providers.chat(ProviderFixtures.question("openai/gpt-4.1-mini")) { _ in }
                }
                #expect(ModelBackendError.missingAPIKey(provider: "openai", variable: "OPENAI_API_KEY").message
                    == #"The model provider "openai" has no API key; set OPENAI_API_KEY."#)
                let completion = try await providers.chat(ProviderFixtures.question("openai/gpt-4.1-mini"), fallbacks: ["qwen2.5:14b"]) { _ in }
                #expect(completion.provider == "ollama")
                #expect(sims.openAI.stats().requests.isEmpty)
            }
        }
    }

    @Test("a failure after the first token is not retried and not answered by a fallback")
    func noFallbackAfterFirstToken() async throws {
        var failing = SimulatorBehaviour.defaults(for: .anthropic)
        failing.streamErrorAfterChunks = 2
        try await Self.withThree(anthropic: failing) { settings, sims in
            try await withProviders(settings) { providers in
                let log = DeltaLog()
                let error = await #expect(throws: ModelBackendError.self) {
                    try await providers.chat(
                        ProviderFixtures.question("anthropic/claude-sonnet-4-5"), fallbacks: ["openai/gpt-4.1-mini"]) { log.append($0) }
                }
                guard case .upstream(let failure)? = error else { Issue.record("\(String(describing: error))"); return }
                #expect(failure.type == "overloaded_error")
                #expect(log.all == ["The ", "quick "])
                #expect(sims.anthropic.stats().chatsStarted == 1)
                #expect(sims.openAI.stats().chatsStarted == 0)
            }
        }
    }

    @Test("when every model fails, the error names each one in order")
    func allFail() async throws {
        let broken = SimulatorBehaviour(models: SimulatorBehaviour.defaultModels(for: .openAI), errorStatus: 400, errorMessage: "bad request")
        try await Self.withThree(openAI: broken) { settings, _ in
            try await withProviders(settings) { providers in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await providers.chat(ProviderFixtures.question("openai/gpt-4.1-mini"), fallbacks: ["missing:1b"]) { _ in }
                }
                guard case .allCandidatesFailed(let failures)? = error else { Issue.record("\(String(describing: error))"); return }
                #expect(failures.map(\.reference) == ["openai/gpt-4.1-mini", "ollama/missing:1b"])
                #expect(failures.last?.error == .modelNotFound("missing:1b"))
                #expect(error?.message.hasPrefix("Every configured model failed. openai/gpt-4.1-mini: The model provider") == true)
            }
        }
    }

    @Test("the catalog aggregates every active provider; one that fails does not hide the others")
    func catalog() async throws {
        let down = SimulatorBehaviour(models: SimulatorBehaviour.defaultModels(for: .openAI), apiKey: "another-key-entirely")
        try await Self.withThree(openAI: down) { settings, _ in
            try await withProviders(settings) { providers in
                let catalog = await providers.catalog()
                #expect(catalog.models.map { "\($0.provider ?? "")/\($0.name)" } == [
                    "anthropic/claude-haiku-4-5", "anthropic/claude-sonnet-4-5", "ollama/llama3.2:3b", "ollama/qwen2.5:14b",
                ])
                guard case .upstream(let failure)? = catalog.failures["openai"] else { Issue.record("\(catalog.failures)"); return }
                #expect(failure.status == 401)
                #expect(providers.statuses().first { $0.name == "openai" }?.keyState == .rejected)
                let listed = try await providers.listModels()
                #expect(listed.count == 4)
            }
        }
    }

    @Test("key states and hosts, never keys")
    func statuses() async throws {
        try await Self.withThree(openAIKey: nil) { settings, _ in
            try await withProviders(settings, agentModels: ["anthropic/claude-sonnet-4-5"]) { providers in
                let statuses = providers.statuses()
                #expect(statuses.map(\.name) == ["ollama", "openai", "anthropic"])
                #expect(statuses.map(\.keyState) == [.notRequired, .missing, .configured])
                #expect(statuses.map(\.usedByAgent) == [false, false, true])
                #expect(statuses.allSatisfy { $0.baseURLHost.hasPrefix("127.0.0.1:") })
                #expect(!String(describing: statuses).contains(ProviderFixtures.anthropicKey))
            }
        }
    }

    @Test("readiness of a chain: a keyless primary is reported, a working fallback keeps it ready")
    func chainStatus() async throws {
        try await Self.withThree(openAIKey: nil) { settings, _ in
            try await withProviders(settings) { providers in
                let alone = await providers.chainStatus(["openai/gpt-4.1-mini"])
                #expect(!alone.modelPresent)
                #expect(alone.detail == #"The model provider "openai" has no API key; set OPENAI_API_KEY."#)
                let covered = await providers.chainStatus(["openai/gpt-4.1-mini", "anthropic/claude-sonnet-4-5"])
                #expect(covered.reachable && covered.modelPresent)
                #expect(covered.detail?.hasPrefix("openai/gpt-4.1-mini: The model provider \"openai\" has no API key") == true)
                let missingModel = await providers.chainStatus(["anthropic/claude-opus-9"])
                #expect(missingModel.reachable && !missingModel.modelPresent)
                #expect(missingModel.detail == #"model claude-opus-9 is not offered by provider "anthropic""#)
            }
        }
    }
}

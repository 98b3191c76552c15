import GatewayImpl
import OllamaSimulator
import Testing

/// The OpenAI-compatible and Anthropic backends against their simulators over real sockets:
/// what they send, how they read each stream, and that every failure is the right typed error
/// — scrubbed, bounded, never a hang — with the connection closed when the caller gives up.
@Suite(.timeLimit(.minutes(10)))
struct HostedBackendTests {
    static let words = ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog."]

    @Test("OpenAI: pieces stream in order at the model's pace; Bearer key, stream_options and messages as sent")
    func openAIStreams() async throws {
        try await withProviderSimulator(.openAI, SimulatorBehaviour(models: [SimulatorModel(name: "gpt-4.1-mini")], tokensPerSecond: 40)) { simulator, url in
            try await withHostedBackend(ProviderFixtures.openAI(url)) { backend in
                let log = DeltaLog()
                let completion = try await backend.chat(ProviderFixtures.question("gpt-4.1-mini")) { log.append($0) }
                #expect(log.all == Self.words)
                #expect(completion.text == SimulatorReply.defaultText)
                #expect(completion.doneReason == "stop")
                #expect(completion.promptTokens == 7 && completion.completionTokens == 9, "the final usage chunk is read")
                let sent = try #require(simulator.stats().lastChatRequest)
                #expect(sent.apiKey == ProviderFixtures.openAIKey)
                #expect(sent.stream == true)
                #expect(sent.options["stream_options"] == ["include_usage": true])
                #expect(sent.messages.map(\.role) == ["system", "user"])
                #expect(simulator.stats().chatsCompleted == 1)
            }
        }
    }

    @Test("Anthropic: system on top, consecutive user turns merged, max_tokens, x-api-key and anthropic-version sent")
    func anthropicStreams() async throws {
        try await withProviderSimulator(.anthropic, SimulatorBehaviour.defaults(for: .anthropic)) { simulator, url in
            try await withHostedBackend(ProviderFixtures.anthropic(url)) { backend in
                var request = ProviderFixtures.question("claude-sonnet-4-5")
                request.messages.insert(ModelMessage(role: "assistant", content: "(an orphaned turn)"), at: 1)
                request.messages.append(ModelMessage(role: "user", content: "And at sunset?"))
                request.options.temperature = 1.7
                let log = DeltaLog()
                let completion = try await backend.chat(request) { log.append($0) }
                #expect(log.all == Self.words)
                #expect(completion.doneReason == "stop")
                #expect(completion.completionTokens == 9)
                let sent = try #require(simulator.stats().lastChatRequest)
                #expect(sent.system == "Be brief.")
                #expect(sent.messages == [RecordedMessage(role: "user", content: "Why is the sky blue?\n\nAnd at sunset?")])
                #expect(sent.options["max_tokens"] == .integer(8192))
                #expect(sent.options["temperature"] == .number(1), "clamped to Anthropic's 0...1")
                #expect(sent.apiKey == ProviderFixtures.anthropicKey)
                #expect(sent.anthropicVersion == "2023-06-01")
            }
        }
    }

    @Test("a refused key is an upstream 401 whose message never contains the key")
    func refusedKey() async throws {
        let behaviour = SimulatorBehaviour(
            models: [SimulatorModel(name: "gpt-4.1-mini")], apiKey: "sk-the-right-key-000000")
        try await withProviderSimulator(.openAI, behaviour) { _, url in
            try await withHostedBackend(ProviderFixtures.openAI(url, key: "sk-wrong-but-secret-123456")) { backend in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(ProviderFixtures.question("gpt-4.1-mini")) { _ in }
                }
                guard case .upstream(let failure)? = error else { Issue.record("\(String(describing: error))"); return }
                #expect(failure.status == 401)
                #expect(failure.type == "invalid_api_key")
                #expect(failure.rejectsCredentials)
                #expect(!failure.message.contains("sk-wrong-but-secret-123456"))
                #expect(failure.message.hasPrefix(#"The model provider "openai" answered with HTTP status 401 (invalid_api_key): Incorrect API key provided"#))
            }
        }
    }

    @Test("an error text echoing the key is scrubbed before anyone sees it")
    func echoedKeyScrubbed() async throws {
        let key = "vllm-key-that-must-not-leak"
        let behaviour = SimulatorBehaviour(
            models: [SimulatorModel(name: "m")], errorStatus: 500, errorMessage: "upstream said: Authorization: Bearer \(key) (\(key))")
        try await withProviderSimulator(.openAI, behaviour) { _, url in
            var configuration = ProviderFixtures.openAI(url, key: key, retries: 0)
            configuration.name = "vllm"
            try await withHostedBackend(configuration) { backend in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(ProviderFixtures.question("m")) { _ in }
                }
                #expect(error?.message.contains(key) == false, "\(error?.message ?? "")")
                #expect(error?.message.contains("[redacted]") == true)
            }
        }
    }

    @Test("429 with Retry-After and Anthropic's 529 overloaded_error carry status, type and the wait asked for")
    func rateLimitedAndOverloaded() async throws {
        let limited = SimulatorBehaviour(models: [SimulatorModel(name: "claude-sonnet-4-5")], errorStatus: 429, retryAfter: "7")
        try await withProviderSimulator(.anthropic, limited) { _, url in
            try await withHostedBackend(ProviderFixtures.anthropic(url)) { backend in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(ProviderFixtures.question("claude-sonnet-4-5")) { _ in }
                }
                guard case .upstream(let failure)? = error else { Issue.record("\(String(describing: error))"); return }
                #expect(failure.status == 429 && failure.type == "rate_limit_error" && failure.retryAfterSeconds == 7)
                #expect(failure.isRetryable)
            }
        }
        let overloaded = SimulatorBehaviour(models: [SimulatorModel(name: "claude-sonnet-4-5")], errorStatus: 529)
        try await withProviderSimulator(.anthropic, overloaded) { _, url in
            try await withHostedBackend(ProviderFixtures.anthropic(url)) { backend in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(ProviderFixtures.question("claude-sonnet-4-5")) { _ in }
                }
                #expect(error?.message == #"The model provider "anthropic" answered with HTTP status 529 (overloaded_error): Overloaded"#)
                #expect(error?.isTransient == true)
            }
        }
    }

    @Test("an error event inside the stream ends the reply with the provider's words", arguments: [SimulatorAPI.openAI, .anthropic])
    func streamError(api: SimulatorAPI) async throws {
        var behaviour = SimulatorBehaviour.defaults(for: api)
        behaviour.streamErrorAfterChunks = 2
        behaviour.tokensPerSecond = 50
        try await withProviderSimulator(api, behaviour) { simulator, url in
            let configuration = api == .openAI ? ProviderFixtures.openAI(url) : ProviderFixtures.anthropic(url)
            try await withHostedBackend(configuration) { backend in
                let log = DeltaLog()
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(ProviderFixtures.question(behaviour.models[0].apiName)) { log.append($0) }
                }
                #expect(log.all == ["The ", "quick "])
                guard case .upstream(let failure)? = error else { Issue.record("\(String(describing: error))"); return }
                #expect(failure.status == nil)
                #expect(failure.type == (api == .openAI ? "server_error" : "overloaded_error"))
                #expect(failure.message.contains("reported an error during the reply"))
                #expect(await eventually { simulator.stats().currentlyStreaming == 0 })
            }
        }
    }

    @Test("a broken event, a cut stream: malformed response and stream ended early", arguments: [SimulatorAPI.openAI, .anthropic])
    func brokenStreams(api: SimulatorAPI) async throws {
        var malformed = SimulatorBehaviour.defaults(for: api)
        malformed.malformedLineAfterChunks = 3
        var cut = SimulatorBehaviour.defaults(for: api)
        cut.cutAfterChunks = 3
        for (behaviour, expected) in [(malformed, ModelBackendError.malformedResponse("an event of the reply stream is not valid JSON")), (cut, .streamEndedEarly)] {
            try await withProviderSimulator(api, behaviour) { _, url in
                let configuration = api == .openAI ? ProviderFixtures.openAI(url) : ProviderFixtures.anthropic(url)
                try await withHostedBackend(configuration) { backend in
                    await #expect(throws: expected) {
                        try await backend.chat(ProviderFixtures.question(behaviour.models[0].apiName)) { _ in }
                    }
                }
            }
        }
    }

    @Test("unknown events, comments and unknown delta types are skipped; the reply completes")
    func unknownEventsSkipped() async throws {
        var behaviour = SimulatorBehaviour.defaults(for: .anthropic)
        behaviour.injectAfterChunks = 2
        behaviour.injectedText = """
            : a comment\r\nevent: brand_new_event\r\ndata: {"type": "brand_new_event", "stuff": [1, 2]}\r\n\r\n\
            event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": {}}}\n\n
            """
        try await withProviderSimulator(.anthropic, behaviour) { _, url in
            try await withHostedBackend(ProviderFixtures.anthropic(url)) { backend in
                let completion = try await backend.chat(ProviderFixtures.question("claude-sonnet-4-5")) { _ in }
                #expect(completion.text == SimulatorReply.defaultText)
            }
        }
    }

    @Test("a huge delta past the line limit, and an endless reply past the reply limit, are typed errors")
    func bounds() async throws {
        var huge = SimulatorBehaviour.defaults(for: .openAI)
        huge.injectAfterChunks = 1
        huge.injectedText = "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"" + String(repeating: "x", count: 300_000) + "\"}}]}\n\n"
        try await withProviderSimulator(.openAI, huge) { _, url in
            var configuration = ProviderFixtures.openAI(url)
            configuration.maxLineBytes = 64 * 1024
            try await withHostedBackend(configuration) { backend in
                await #expect(throws: ModelBackendError.malformedResponse("a line of the event stream is longer than 65536 bytes")) {
                    try await backend.chat(ProviderFixtures.question("gpt-4.1-mini")) { _ in }
                }
            }
        }
        var endless = SimulatorBehaviour.defaults(for: .anthropic)
        endless.endless = true
        endless.tokensPerSecond = 500
        try await withProviderSimulator(.anthropic, endless) { simulator, url in
            var configuration = ProviderFixtures.anthropic(url)
            configuration.maxReplyBytes = 4096
            try await withHostedBackend(configuration) { backend in
                await #expect(throws: ModelBackendError.replyTooLarge(limit: 4096)) {
                    try await backend.chat(ProviderFixtures.question("claude-sonnet-4-5")) { _ in }
                }
                #expect(await eventually { simulator.stats().chatsCancelled == 1 }, "the endless stream was hung up on")
            }
        }
    }

    @Test("no first token in time: the request is cancelled and the simulator sees the disconnect", arguments: [SimulatorAPI.openAI, .anthropic])
    func hang(api: SimulatorAPI) async throws {
        var behaviour = SimulatorBehaviour.defaults(for: api)
        behaviour.hang = true
        try await withProviderSimulator(api, behaviour) { simulator, url in
            let configuration = api == .openAI ? ProviderFixtures.openAI(url) : ProviderFixtures.anthropic(url)
            try await withHostedBackend(configuration) { backend in
                // Long enough for the request to reach the simulator on a loaded machine: a timeout
                // that fires before the request arrives leaves nothing for the simulator to cancel.
                let request = ProviderFixtures.question(behaviour.models[0].apiName, timeouts: (.seconds(5), .seconds(5)))
                await #expect(throws: ModelBackendError.firstTokenTimeout) { try await backend.chat(request) { _ in } }
                #expect(await eventually { simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0 }, "\(simulator.stats())")
            }
        }
    }

    @Test("cancelling mid-reply closes the connection: the simulator counts the chat as cancelled", arguments: [SimulatorAPI.openAI, .anthropic])
    func cancel(api: SimulatorAPI) async throws {
        var behaviour = SimulatorBehaviour.defaults(for: api)
        behaviour.tokensPerSecond = 20
        behaviour.reply = .text((1...100).map { "w\($0)" }.joined(separator: " "))
        try await withProviderSimulator(api, behaviour) { simulator, url in
            let configuration = api == .openAI ? ProviderFixtures.openAI(url) : ProviderFixtures.anthropic(url)
            try await withHostedBackend(configuration) { backend in
                let log = DeltaLog()
                let request = ProviderFixtures.question(behaviour.models[0].apiName)
                let task = Task { try await backend.chat(request) { log.append($0) } }
                await log.waitFor(3)
                task.cancel()
                await #expect(throws: CancellationError.self) { try await task.value }
                #expect(await eventually { simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0 })
                #expect(simulator.stats().chatsCompleted == 0)
            }
        }
    }

    @Test("model lists: OpenAI ids with vLLM's max_model_len; Anthropic display names and max_input_tokens")
    func modelLists() async throws {
        try await withProviderSimulator(.openAI, nil) { _, url in
            try await withHostedBackend(ProviderFixtures.openAI(url)) { backend in
                let models = try await backend.listModels()
                #expect(models.map(\.name) == ["gpt-4.1-mini", "gpt-4.1"])
                #expect(models.allSatisfy { $0.contextLength == 1_047_576 && $0.provider == "openai" })
            }
        }
        try await withProviderSimulator(.anthropic, nil) { _, url in
            try await withHostedBackend(ProviderFixtures.anthropic(url)) { backend in
                let models = try await backend.listModels()
                #expect(models.map(\.name) == ["claude-sonnet-4-5", "claude-haiku-4-5"])
                #expect(models.map(\.displayName) == ["Claude Sonnet 4.5", "Claude Haiku 4.5"])
                #expect(models.allSatisfy { $0.contextLength == 200_000 })
            }
        }
    }
}

import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// Chat, abort, history and fallback end to end — a real gateway over real sockets in front of
/// the OpenAI, OpenAI-compatible (vLLM) and Anthropic simulators, at 25 pieces a second.
@Suite(.timeLimit(.minutes(10)))
struct ProviderChatTests {
    static let models = ["openai": "openai/gpt-4.1-mini", "vllm": "vllm/Qwen/Qwen2.5-7B-Instruct", "anthropic": "anthropic/claude-sonnet-4-5"]

    @Test("chat streams deltas and a final naming the provider; history holds both turns", arguments: ["openai", "vllm", "anthropic"])
    func chat(provider: String) async throws {
        let model = try #require(Self.models[provider])
        try await withProviderGateway(model: model) { gateway, sims in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("hello there")
            let run = try await recorder.run(runId)
            #expect(run.deltas.count >= 2, "streamed, not one lump")
            #expect(run.terminal["state"] == "final")
            #expect(RunEvents.text(of: run.terminal) == SimulatorReply.defaultText)
            #expect(run.terminal["message"]?["provider"] == .string(provider))
            #expect(run.terminal["message"]?["model"] == .string(String(model.dropFirst(provider.count + 1))))
            #expect(run.terminal["usage"]?["output"] == 9)
            #expect(run.lifecyclePhases == ["start", "end"])

            let sent = try #require(sims.simulator(for: provider)?.stats().lastChatRequest)
            #expect(sent.messages.last?.content == "hello there")
            #expect(sent.messages.count == (provider == "anthropic" ? 1 : 2), "the system prompt is a message, or Anthropic's system")
            #expect(gateway.simulator.stats().chatsStarted == 0, "Ollama was not asked")

            let history = try await session.historyMessages()
            #expect(history.map { $0["role"] } == ["user", "assistant"])
            #expect(history.last.flatMap(RunEvents.text(of:)) == SimulatorReply.defaultText)
            await session.close()
        }
    }

    @Test("abort closes the upstream stream (the simulator sees the disconnect) and keeps the partial text", arguments: ["openai", "vllm", "anthropic"])
    func abort(provider: String) async throws {
        let model = try #require(Self.models[provider])
        let api: SimulatorAPI = provider == "anthropic" ? .anthropic : .openAI
        var slow = SimulatorBehaviour.defaults(for: api)
        slow.reply = .text((1...80).map { "word\($0)" }.joined(separator: " "))
        slow.tokensPerSecond = 20
        if provider == "vllm" { slow.models = [SimulatorModel(name: "Qwen/Qwen2.5-7B-Instruct")] }
        try await withProviderGateway(
            model: model, openAI: provider == "openai" ? slow : nil, vllm: provider == "vllm" ? slow : nil,
            anthropic: provider == "anthropic" ? slow : nil
        ) { gateway, sims in
            let simulator = try #require(sims.simulator(for: provider))
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let runId = try await session.startChat("a long story please")
            try await ChatAbortTests.waitForPartialText(recorder, runId)
            let abort = try await session.chatAbort(sessionKey: "main", runId: runId)
            #expect(abort.payload?["aborted"] == true)
            let run = try await recorder.run(runId)
            #expect(run.terminal["state"] == "aborted")
            let partial = try #require(RunEvents.text(of: run.terminal))
            #expect(partial.hasPrefix("word1 word2"))
            try await eventually("the \(provider) simulator saw the gateway hang up") {
                simulator.stats().chatsCancelled == 1 && simulator.stats().currentlyStreaming == 0
            }
            #expect(simulator.stats().chatsCompleted == 0)
            let history = try await session.historyMessages()
            #expect(history.last.flatMap(RunEvents.text(of:)) == partial, "the partial answer is persisted")
            await session.close()
        }
    }

    @Test("Anthropic overloaded (529) before the first token: the fallback answers; once it recovers the next run uses it again")
    func fallback() async throws {
        var overloaded = SimulatorBehaviour.defaults(for: .anthropic)
        overloaded.errorStatus = 529
        overloaded.tokensPerSecond = 25
        try await withProviderGateway(
            model: "anthropic/claude-sonnet-4-5", fallbacks: ["openai/gpt-4.1-mini", "qwen2.5:14b"], anthropic: overloaded
        ) { gateway, sims in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let first = try await recorder.run(try await session.startChat("first"))
            #expect(first.terminal["state"] == "final")
            #expect(first.terminal["message"]?["provider"] == "openai")
            #expect(first.lifecyclePhases == ["start", "end"], "the failed attempts never showed")
            #expect(sims.anthropic.stats().chatsStarted == 3, "the primary and its two retries")
            #expect(sims.openAI.stats().chatsCompleted == 1)

            sims.anthropic.updateBehaviour { $0.errorStatus = nil }
            let second = try await recorder.run(try await session.startChat("second"))
            #expect(second.terminal["message"]?["provider"] == "anthropic", "switched back to the primary")
            #expect(sims.openAI.stats().chatsStarted == 1)
            let sent = try #require(sims.anthropic.stats().lastChatRequest)
            #expect(sent.messages.map(\.content) == ["first", SimulatorReply.defaultText, "second"], "the fallback's reply is in the history")

            let history = try await session.historyMessages()
            #expect(history.map { $0["role"] } == ["user", "assistant", "user", "assistant"])
            #expect(gateway.simulator.stats().chatsStarted == 0)
            await session.close()
        }
    }

    @Test("a provider without a key: chat.send ends in a clear error naming the variable; a fallback covers it")
    func missingKey() async throws {
        try await withProviderGateway(model: "openai/gpt-4.1-mini", withoutKeys: ["openai"]) { gateway, sims in
            let message = try await ChatBackendFailureTests.expectFailure(gateway) { _ in true }
            #expect(message == #"The model provider "openai" has no API key; set OPENAI_API_KEY."#)
            #expect(sims.openAI.stats().requests.isEmpty)
            let ready = try await gateway.http("/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("set OPENAI_API_KEY"), "\(ready.body)")
        }
        try await withProviderGateway(model: "openai/gpt-4.1-mini", fallbacks: ["qwen2.5:14b"], withoutKeys: ["openai"]) { gateway, _ in
            let ready = try await gateway.http("/readyz")
            #expect(ready.status == 200, "the fallback can serve: \(ready.body)")
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let run = try await recorder.run(try await session.startChat("hi"))
            #expect(run.terminal["message"]?["provider"] == "ollama")
            await session.close()
        }
    }

    @Test("models.list aggregates Ollama, OpenAI, vLLM and Anthropic with provider and context window; one down hides nothing else")
    func modelsList() async throws {
        var rejecting = SimulatorBehaviour.defaults(for: .openAI)
        rejecting.apiKey = "a-key-the-gateway-does-not-have"
        try await withProviderGateway(model: "anthropic/claude-sonnet-4-5", openAI: rejecting) { gateway, _ in
            let session = try await gateway.connect(scopes: ["operator.read"])
            let response = try await session.request("models.list", params: [:])
            let choices = try #require(response.payload?["models"]?.arrayValue)
            let ids = choices.map { "\($0["provider"]?.stringValue ?? "")/\($0["id"]?.stringValue ?? "")" }
            #expect(ids == [
                "anthropic/claude-haiku-4-5", "anthropic/claude-sonnet-4-5", "ollama/llama3.2:3b", "ollama/qwen2.5:14b",
                "vllm/Qwen/Qwen2.5-7B-Instruct",
            ])
            let sonnet = choices.first { $0["id"] == "claude-sonnet-4-5" }
            #expect(sonnet?["name"] == "Claude Sonnet 4.5")
            #expect(sonnet?["contextWindow"] == 200_000)
            #expect(choices.first { $0["provider"] == "vllm" }?["contextWindow"] == 32_768, "declared in the config file")
            await session.close()
        }
    }

    @Test("sessions.patch picks a provider's model for one session; sessions show its provider")
    func sessionModel() async throws {
        try await withProviderGateway(model: "qwen2.5:14b") { gateway, sims in
            let session = try await gateway.connect()
            let patch = try await session.request("sessions.patch", params: ["key": "agent:main:claude", "model": "anthropic/claude-haiku-4-5"])
            #expect(patch.ok, "\(patch)")
            #expect(patch.payload?["resolved"] == ["model": "claude-haiku-4-5", "modelProvider": "anthropic"])
            let wrong = try await session.request("sessions.patch", params: ["key": "agent:main:claude", "model": "anthropic/claude-opus-9"])
            #expect(wrong.error?.code == "INVALID_REQUEST")
            #expect(wrong.error?.message.contains("anthropic/claude-haiku-4-5") == true, "\(String(describing: wrong.error))")

            let recorder = FrameRecorder(session)
            let run = try await recorder.run(try await session.startChat("hi", sessionKey: "agent:main:claude"))
            #expect(run.terminal["message"]?["provider"] == "anthropic")
            #expect(sims.anthropic.stats().lastChatRequest?.model == "claude-haiku-4-5")
            let list = try await session.request("sessions.list", params: [:])
            let row = list.payload?["sessions"]?.arrayValue?.first { $0["key"] == "agent:main:claude" }
            #expect(row?["model"] == "claude-haiku-4-5" && row?["modelProvider"] == "anthropic")
            await session.close()
        }
    }
}

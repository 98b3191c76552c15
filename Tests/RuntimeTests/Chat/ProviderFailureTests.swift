import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// Bad upstream input over real sockets: a broken event, a huge delta, an upstream that never
/// ends, an upstream that hangs. Each ends its run with a typed `error` event; nothing is
/// half-persisted; the connection and other runs carry on. Unknown event types are skipped.
@Suite(.timeLimit(.minutes(10)))
struct ProviderFailureTests {
    /// A concurrent run on another session (of an Ollama model) finishes normally while the failing one fails.
    static func expectIsolatedFailure(_ gateway: GatewayHarness, _ matches: (String) -> Bool) async throws {
        let bystander = try await gateway.connect()
        let patch = try await bystander.request("sessions.patch", params: ["key": "agent:main:bystander", "model": "qwen2.5:14b"])
        #expect(patch.ok)
        let bystanderRecorder = FrameRecorder(bystander)
        let other = try await bystander.startChat("meanwhile", sessionKey: "agent:main:bystander")
        _ = try await ChatBackendFailureTests.expectFailure(gateway, matches)
        #expect(try await bystanderRecorder.run(other, timeout: .seconds(30)).terminal["state"] == "final")
        await bystander.close()
    }

    @Test("a broken event in the OpenAI stream")
    func malformedEvent() async throws {
        var broken = SimulatorBehaviour.defaults(for: .openAI)
        broken.malformedLineAfterChunks = 2
        broken.tokensPerSecond = 25
        try await withProviderGateway(model: "openai/gpt-4.1-mini", openAI: broken) { gateway, _ in
            try await Self.expectIsolatedFailure(gateway) {
                $0 == "The model server sent a reply that could not be understood: an event of the reply stream is not valid JSON."
            }
        }
    }

    @Test("a delta larger than the line limit")
    func hugeDelta() async throws {
        var huge = SimulatorBehaviour.defaults(for: .anthropic)
        huge.tokensPerSecond = 25
        huge.injectAfterChunks = 1
        huge.injectedText = "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \""
            + String(repeating: "A", count: 1_200_000) + "\"}}\n\n"
        try await withProviderGateway(model: "anthropic/claude-sonnet-4-5", anthropic: huge) { gateway, _ in
            try await Self.expectIsolatedFailure(gateway) { $0.contains("longer than 1048576 bytes") }
        }
    }

    @Test("an upstream that never ends: the reply limit stops it and the simulator sees the hang-up")
    func endless() async throws {
        var endless = SimulatorBehaviour.defaults(for: .openAI)
        endless.endless = true
        endless.tokenization = .whole
        endless.reply = .text(String(repeating: "lorem ipsum ", count: 200))
        endless.tokensPerSecond = 50
        // A small cap keeps the test quick: about 40 pieces at 50 a second.
        try await withProviderGateway(model: "openai/gpt-4.1-mini", openAI: endless, configure: { settings in
            for index in settings.providers.indices { settings.providers[index].maxReplyBytes = 96 * 1024 }
        }) { gateway, sims in
            try await Self.expectIsolatedFailure(gateway) { $0 == "The model's reply grew past 98304 bytes and was stopped." }
            try await eventually("the simulator saw the gateway hang up") { sims.openAI.stats().chatsCancelled == 1 }
        }
    }

    @Test("an error event after the first token ends the run with Anthropic's words; no fallback, nothing persisted")
    func streamError() async throws {
        var failing = SimulatorBehaviour.defaults(for: .anthropic)
        failing.tokensPerSecond = 25
        failing.streamErrorAfterChunks = 3
        try await withProviderGateway(model: "anthropic/claude-sonnet-4-5", fallbacks: ["openai/gpt-4.1-mini"], anthropic: failing) { gateway, sims in
            try await Self.expectIsolatedFailure(gateway) {
                $0 == #"The model provider "anthropic" reported an error during the reply (overloaded_error): Overloaded"#
            }
            #expect(sims.openAI.stats().chatsStarted == 0)
        }
    }

    @Test("unknown event types, comments and pings are skipped; the reply completes")
    func unknownEvents() async throws {
        var chatty = SimulatorBehaviour.defaults(for: .anthropic)
        chatty.tokensPerSecond = 25
        chatty.injectAfterChunks = 2
        chatty.injectedText = ": keep-alive\n\nevent: something_new\ndata: {\"type\": \"something_new\"}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n"
        try await withProviderGateway(model: "anthropic/claude-sonnet-4-5", anthropic: chatty) { gateway, _ in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let run = try await recorder.run(try await session.startChat("hi"))
            #expect(run.terminal["state"] == "final")
            #expect(RunEvents.text(of: run.terminal) == SimulatorReply.defaultText)
            await session.close()
        }
    }

    @Test("an upstream that accepts the request and never answers: the first-token timeout, the request cancelled")
    func hang() async throws {
        var hanging = SimulatorBehaviour.defaults(for: .openAI)
        hanging.hang = true
        // Long enough for the request to reach the simulator on a loaded machine: a timeout that
        // fires before the request arrives leaves nothing for the simulator to see cancelled.
        try await withProviderGateway(model: "openai/gpt-4.1-mini", openAI: hanging, firstTokenTimeout: .seconds(5)) { gateway, sims in
            _ = try await ChatBackendFailureTests.expectFailure(gateway) { $0 == "The model did not start replying in time." }
            try await eventually("the simulator saw the gateway give up") {
                sims.openAI.stats().chatsCancelled == 1 && sims.openAI.stats().currentlyStreaming == 0
            }
        }
    }
}

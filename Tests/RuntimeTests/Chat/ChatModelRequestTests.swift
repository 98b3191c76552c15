import Foundation
import GatewayClient
import GatewayImpl
import OllamaSimulator
import Testing

/// What the gateway asks the model, as the simulator received it: the agent's system prompt,
/// the conversation so far from the store, and the configured Ollama options.
@Suite(.timeLimit(.minutes(10)))
struct ChatModelRequestTests {
    @Test("the model gets a system prompt naming the agent, then the whole conversation so far")
    func systemPromptAndConversation() async throws {
        try await withGateway(assemble: { configuration in
            configuration.agent.name = "Clawdia"
            configuration.agent.description = "a patient tutor for the test suite"
        }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let first = try await session.startChat("first question")
            #expect(try await recorder.run(first).terminal["state"] == "final")
            let opening = try #require(gateway.simulator.stats().lastChatRequest)
            #expect(opening.messages.count == 2)

            let second = try await session.startChat("second question")
            #expect(try await recorder.run(second).terminal["state"] == "final")
            let request = try #require(gateway.simulator.stats().lastChatRequest)
            let system = try #require(request.messages.first)
            #expect(system.role == "system")
            #expect(system.content.contains("Clawdia"))
            #expect(system.content.contains("a patient tutor for the test suite"))
            #expect(Array(request.messages.dropFirst()) == [
                RecordedMessage(role: "user", content: "first question"),
                RecordedMessage(role: "assistant", content: SimulatorReply.defaultText),
                RecordedMessage(role: "user", content: "second question"),
            ])
            #expect(request.model == "qwen2.5:14b")
            #expect(request.stream != false, "streamed")
            await session.close()
        }
    }

    @Test("num_ctx, temperature and keep_alive come from the configuration")
    func ollamaOptionsFromConfiguration() async throws {
        try await withGateway(assemble: { configuration in
            configuration.generation.numCtx = 8192
            configuration.generation.temperature = 0.25
            configuration.generation.keepAlive = "10m"
        }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            _ = try await recorder.run(try await session.startChat("hi"))
            let request = try #require(gateway.simulator.stats().lastChatRequest)
            #expect(request.options["num_ctx"]?.doubleValue == 8192)
            #expect(request.options["temperature"]?.doubleValue == 0.25)
            #expect(request.keepAlive?.stringValue == "10m")
            await session.close()
        }
    }

    @Test("by default num_ctx is 16384, not Ollama's truncating 4096, and the model stays loaded 30m")
    func ollamaOptionDefaults() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            _ = try await recorder.run(try await session.startChat("hi"))
            let request = try #require(gateway.simulator.stats().lastChatRequest)
            #expect(request.options["num_ctx"]?.doubleValue == 16384)
            #expect(request.keepAlive?.stringValue == "30m")
            await session.close()
        }
    }

    @Test("a session's own model (sessions.patch) is the one asked")
    func sessionModelIsUsed() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let patch = try await session.request("sessions.patch", params: ["key": "agent:main:small", "model": "llama3.2:3b"])
            #expect(patch.ok, "\(patch)")
            _ = try await recorder.run(try await session.startChat("hi", sessionKey: "agent:main:small"))
            #expect(gateway.simulator.stats().lastChatRequest?.model == "llama3.2:3b")
            await session.close()
        }
    }
}

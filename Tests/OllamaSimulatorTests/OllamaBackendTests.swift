import GatewayImpl
import OllamaSimulator
import Testing

/// OllamaBackend against the simulator over real sockets: what it sends, what it makes of
/// every reply, and that every failure becomes the right ModelBackendError without hanging.
@Suite(.timeLimit(.minutes(10)))
struct OllamaBackendTests {
    static func question(_ model: String = "qwen2.5:14b", options: ModelOptions = ModelOptions()) -> ModelChatRequest {
        ModelChatRequest(model: model, messages: [ModelMessage(role: "user", content: "Why is the sky blue?")], options: options)
    }

    @Test("streamed deltas arrive in order and make up the completion")
    func streamedDeltasArriveInOrderAndMakeUpTheCompletion() async throws {
        try await withSimulator { simulator, port in
            try await withBackend(port: port) { backend in
                let log = DeltaLog()
                let completion = try await backend.chat(Self.question()) { log.append($0) }
                #expect(log.all == ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog."])
                #expect(completion.text == SimulatorReply.defaultText)
                #expect(completion.text == log.all.joined())
                #expect(completion.doneReason == "stop")
                #expect(completion.promptTokens == 5)
                #expect(completion.completionTokens == 9)
                #expect(simulator.stats().chatsCompleted == 1)
            }
        }
    }

    @Test("the request carries model, messages, options and keep_alive as Ollama reads them")
    func theRequestCarriesModelMessagesOptionsAndKeepAliveAsOllamaReadsThem() async throws {
        try await withSimulator { simulator, port in
            try await withBackend(port: port) { backend in
                var request = Self.question(options: ModelOptions(numCtx: 8_192, temperature: 0.25, keepAlive: "10m"))
                request.messages.insert(ModelMessage(role: "system", content: "Be brief."), at: 0)
                _ = try await backend.chat(request) { _ in }
                let sent = try #require(simulator.stats().lastChatRequest)
                #expect(sent.model == "qwen2.5:14b")
                #expect(sent.messages.map(\.role) == ["system", "user"])
                #expect(sent.messages.map(\.content) == ["Be brief.", "Why is the sky blue?"])
                #expect(sent.options == ["num_ctx": .number(8_192), "temperature": .number(0.25)])
                #expect(sent.keepAlive == .string("10m"))
                #expect(sent.stream == true)

                _ = try await backend.chat(Self.question(options: ModelOptions(keepAlive: "-1"))) { _ in }
                let forever = try #require(simulator.stats().lastChatRequest)
                #expect(forever.keepAlive == .number(-1), "a unitless keep_alive goes as a number of seconds")
                #expect(forever.options.isEmpty, "no options object when none is set")
            }
        }
    }

    @Test("listModels returns names, families and sizes")
    func listModelsReturnsNamesFamiliesAndSizes() async throws {
        try await withSimulator { _, port in
            try await withBackend(port: port) { backend in
                let models = try await backend.listModels()
                #expect(
                    models == [
                        ModelSummary(name: "qwen2.5:14b", family: "qwen2", parameterSize: "14.8B"),
                        ModelSummary(name: "llama3.2:3b", family: "llama", parameterSize: "3.2B"),
                    ]
                )
            }
        }
    }

    @Test("showModel reads the context length from model_info; an unknown model is modelNotFound")
    func showModelReadsTheContextLengthFromModelInfo() async throws {
        try await withSimulator { _, port in
            try await withBackend(port: port) { backend in
                let model = try await backend.showModel("llama3.2:3b")
                #expect(model == ModelSummary(name: "llama3.2:3b", family: "llama", parameterSize: "3.2B", contextLength: 131_072))
                await #expect(throws: ModelBackendError.modelNotFound("nope:1b")) {
                    try await backend.showModel("nope:1b")
                }
            }
        }
    }

    @Test("version() is Ollama's version string")
    func versionIsOllamasVersionString() async throws {
        try await withSimulator(SimulatorBehaviour(version: "0.11.4")) { _, port in
            try await withBackend(port: port) { backend in
                let version = try await backend.version()
                #expect(version == "0.11.4")
            }
        }
    }

    @Test("a port nobody listens on is unreachable, at once")
    func aPortNobodyListensOnIsUnreachableAtOnce() async throws {
        try await ClosedPort.withPort { closedPort in
            try await withBackend(port: closedPort) { backend in
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(Self.question()) { _ in }
                }
                guard case .unreachable(let detail) = error else {
                    Issue.record("expected unreachable, got \(String(describing: error))")
                    return
                }
                #expect(detail.contains("127.0.0.1:\(closedPort)"))
                await #expect(throws: ModelBackendError.self) { try await backend.version() }
            }
        }
    }

    @Test("an unknown model is modelNotFound")
    func anUnknownModelIsModelNotFound() async throws {
        try await withSimulator { _, port in
            try await withBackend(port: port) { backend in
                await #expect(throws: ModelBackendError.modelNotFound("nope:1b")) {
                    try await backend.chat(Self.question("nope:1b")) { _ in }
                }
            }
        }
    }

    @Test("a server error keeps its status and Ollama's text")
    func aServerErrorKeepsItsStatusAndOllamasText() async throws {
        try await withSimulator(SimulatorBehaviour(errorStatus: 500, errorMessage: "llama runner process has terminated")) {
            _, port in
            try await withBackend(port: port) { backend in
                await #expect(throws: ModelBackendError.httpStatus(500, "llama runner process has terminated")) {
                    try await backend.chat(Self.question()) { _ in }
                }
            }
        }
    }

    @Test("a line that is not JSON is a malformed response")
    func aLineThatIsNotJSONIsAMalformedResponse() async throws {
        try await withSimulator(SimulatorBehaviour(tokensPerSecond: 20, malformedLineAfterChunks: 2)) { _, port in
            try await withBackend(port: port) { backend in
                let log = DeltaLog()
                let error = await #expect(throws: ModelBackendError.self) {
                    try await backend.chat(Self.question()) { log.append($0) }
                }
                guard case .malformedResponse = error else {
                    Issue.record("expected malformedResponse, got \(String(describing: error))")
                    return
                }
                #expect(log.all == ["The ", "quick "])
            }
        }
    }

    @Test("a stream cut before its done line ended early")
    func aStreamCutBeforeItsDoneLineEndedEarly() async throws {
        // At a model's pace (20 pieces/s): at full speed the cut could reach AsyncHTTPClient while
        // the third piece was still buffered, and the failed body stream dropped it (seen in CI).
        try await withSimulator(SimulatorBehaviour(tokensPerSecond: 20, cutAfterChunks: 3)) { _, port in
            try await withBackend(port: port) { backend in
                let log = DeltaLog()
                await #expect(throws: ModelBackendError.streamEndedEarly) {
                    try await backend.chat(Self.question()) { log.append($0) }
                }
                #expect(log.all == ["The ", "quick ", "brown "])
            }
        }
    }

    @Test("a model that never starts hits the first-token timeout, and the server sees the abort")
    func aModelThatNeverStartsHitsTheFirstTokenTimeoutAndTheServerSeesTheAbort() async throws {
        try await withSimulator(SimulatorBehaviour(hang: true)) { simulator, port in
            try await withBackend(port: port) { backend in
                // Long enough for the request to reach the simulator on a loaded machine: a timeout
                // that fires before the request arrives leaves nothing for the simulator to cancel.
                var request = Self.question()
                request.firstTokenTimeout = .seconds(5)
                await #expect(throws: ModelBackendError.firstTokenTimeout) {
                    try await backend.chat(request) { _ in }
                }
                #expect(await eventually { simulator.stats().chatsCancelled == 1 })
                #expect(simulator.stats().currentlyStreaming == 0)
            }
        }
    }

    @Test("a reply that stalls hits the idle timeout")
    func aReplyThatStallsHitsTheIdleTimeout() async throws {
        // A piece every 5 s against a 150 ms idle timeout: the timeout fires long before the second
        // piece even when a loaded machine runs the watchdog late.
        let behaviour = SimulatorBehaviour(reply: .text("slow and steady"), tokensPerSecond: 0.2)
        try await withSimulator(behaviour) { simulator, port in
            try await withBackend(port: port) { backend in
                var request = Self.question()
                request.idleTimeout = .milliseconds(150)
                let log = DeltaLog()
                await #expect(throws: ModelBackendError.idleTimeout) {
                    try await backend.chat(request) { log.append($0) }
                }
                #expect(log.all == ["slow "])
                #expect(await eventually { simulator.stats().chatsCancelled == 1 })
            }
        }
    }

    @Test("cancelling the caller closes the connection and throws CancellationError")
    func cancellingTheCallerClosesTheConnectionAndThrowsCancellationError() async throws {
        let longReply = Array(repeating: "token", count: 400).joined(separator: " ")
        try await withSimulator(SimulatorBehaviour(reply: .text(longReply), tokensPerSecond: 50)) { simulator, port in
            try await withBackend(port: port) { backend in
                let log = DeltaLog()
                let chat = Task {
                    try await backend.chat(Self.question()) { log.append($0) }
                }
                await log.waitFor(2)
                chat.cancel()
                let outcome = await chat.result
                #expect(throws: CancellationError.self) { try outcome.get() }
                #expect(await eventually { simulator.stats().chatsCancelled == 1 })
                #expect(await eventually { simulator.stats().currentlyStreaming == 0 })
                #expect(simulator.stats().chatsCompleted == 0)
                #expect(log.all.count < 400)
            }
        }
    }

    @Test("a bad base URL is rejected when the backend is made")
    func aBadBaseURLIsRejectedWhenTheBackendIsMade() {
        #expect(throws: ModelBackendError.self) { try OllamaBackend(baseURL: "ftp://example") }
        #expect(throws: ModelBackendError.self) { try OllamaBackend(baseURL: "127.0.0.1:99999") }
    }
}

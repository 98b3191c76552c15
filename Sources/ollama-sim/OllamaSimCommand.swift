import ArgumentParser
import Foundation
import Logging
import OllamaSimulator

/// `ollama-sim`: a model provider stand-in on a real port — Ollama by default, OpenAI's or
/// Anthropic's API with `--api` — configured by flags and changeable at run time through
/// `POST /_sim/behaviour`. Prints one line when listening; stops cleanly (exit 0) on SIGINT or SIGTERM.
@main
struct OllamaSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ollama-sim",
        abstract: "A deterministic, scriptable model provider simulator (Ollama, OpenAI or Anthropic API).",
        discussion: """
            --api ollama (default): GET /, /api/version, /api/tags, POST /api/show, /api/chat and /api/pull like Ollama.
            --api openai: POST /v1/chat/completions (SSE when stream is true) and GET /v1/models like OpenAI and vLLM.
            --api anthropic: POST /v1/messages (SSE when stream is true) and GET /v1/models like Anthropic.
            Change the behaviour while it runs: curl -d '{"tokens_per_second": 5}' http://HOST:PORT/_sim/behaviour
            Read the counters: curl http://HOST:PORT/_sim/stats
            """
    )

    @Option(help: "The API to speak: ollama, openai or anthropic.")
    var api = "ollama"

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 11434

    @Option(name: .customLong("model"), help: "A model to offer, e.g. qwen2.5:14b (repeatable). Default: qwen2.5:14b and llama3.2:3b (openai: gpt-4.1-mini, gpt-4.1; anthropic: claude-sonnet-4-5, claude-haiku-4-5).")
    var models: [String] = []

    @Option(help: "Context length to report for the --model models (default: inferred from the name).")
    var contextLength: Int?

    @Option(help: "The reply text for every chat.")
    var reply: String?

    @Flag(help: "Reply with the last user message instead of a fixed text.")
    var echo = false

    @Option(help: "Reply with this many pieces, each the time it is written (t<unix-nanoseconds>), for latency measurements.")
    var timestamps: Int?

    @Option(help: "How replies are cut into streamed pieces: words, characters or whole.")
    var tokenization = "words"

    @Option(help: "Pace of streamed pieces; 0 sends as fast as possible.")
    var tokensPerSecond: Double = 0

    @Option(name: .customLong("first-token-delay-ms"), help: "Delay before the first piece, in milliseconds.")
    var firstTokenDelayMilliseconds = 0

    @Option(help: "Answer every chat with this HTTP status and an {\"error\"} body.")
    var errorStatus: Int?

    @Option(help: "The error text sent with --error-status.")
    var errorMessage: String?

    @Option(name: .customLong("cut-after"), help: "Close streamed chats after this many pieces, without the final line.")
    var cutAfter: Int?

    @Flag(help: "Accept chats and never answer them.")
    var hang = false

    @Option(name: .customLong("malformed-after"), help: "Write one non-JSON line after this many pieces.")
    var malformedAfter: Int?

    @Flag(help: "Make /api/pull fail after 'pulling manifest'.")
    var pullFails = false

    @Option(help: "The provider's error type sent with an error, e.g. rate_limit_error or overloaded_error.")
    var errorType: String?

    @Option(help: "Only this many chats get --error-status, then chats succeed again.")
    var errorCount: Int?

    @Option(help: "The Retry-After header sent with --error-status, as raw text (seconds or an HTTP date).")
    var retryAfter: String?

    @Option(name: .customLong("stream-error-after"), help: "Report an error inside the stream after this many pieces, then end it.")
    var streamErrorAfter: Int?

    @Flag(help: "Repeat every streamed reply forever (until the client leaves).")
    var endless = false

    @Option(name: .customLong("api-key-env"), help: "Require the key held by this environment variable (Bearer for openai, x-api-key for anthropic).")
    var apiKeyEnv: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "notice"

    func validate() throws {
        guard SimulatorAPI(rawValue: api) != nil else { throw ValidationError("--api must be ollama, openai or anthropic") }
        if let errorCount, errorCount < 0 { throw ValidationError("--error-count must be 0 or more") }
        if let streamErrorAfter, streamErrorAfter < 0 { throw ValidationError("--stream-error-after must be 0 or more") }
        if let apiKeyEnv, ProcessInfo.processInfo.environment[apiKeyEnv]?.isEmpty ?? true {
            throw ValidationError("--api-key-env names \(apiKeyEnv), which is not set")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard SimulatorTokenization(rawValue: tokenization) != nil else {
            throw ValidationError("--tokenization must be words, characters or whole")
        }
        guard tokensPerSecond >= 0, tokensPerSecond.isFinite else {
            throw ValidationError("--tokens-per-second must be 0 or more")
        }
        guard firstTokenDelayMilliseconds >= 0 else { throw ValidationError("--first-token-delay-ms must be 0 or more") }
        if let errorStatus, !(400...599).contains(errorStatus) {
            throw ValidationError("--error-status must be an HTTP error status (400-599)")
        }
        if let cutAfter, cutAfter < 0 { throw ValidationError("--cut-after must be 0 or more") }
        if let malformedAfter, malformedAfter < 0 { throw ValidationError("--malformed-after must be 0 or more") }
        if let contextLength, contextLength <= 0 { throw ValidationError("--context-length must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if [echo, reply != nil, timestamps != nil].filter({ $0 }).count > 1 {
            throw ValidationError("--echo, --reply and --timestamps are mutually exclusive")
        }
        if let timestamps, timestamps < 0 { throw ValidationError("--timestamps must be 0 or more") }
    }

    var simulatorAPI: SimulatorAPI { SimulatorAPI(rawValue: api) ?? .ollama }

    var behaviour: SimulatorBehaviour {
        var behaviour = SimulatorBehaviour.defaults(for: simulatorAPI)
        if !models.isEmpty {
            behaviour.models = models.map { name in
                var model = SimulatorModel(name: name)
                if let contextLength { model.contextLength = contextLength }
                return model
            }
        }
        if echo {
            behaviour.reply = .echo
        } else if let reply {
            behaviour.reply = .text(reply)
        } else if let timestamps {
            behaviour.reply = .timestamps(count: timestamps)
        }
        behaviour.tokenization = SimulatorTokenization(rawValue: tokenization) ?? .words
        behaviour.tokensPerSecond = tokensPerSecond
        behaviour.timeToFirstToken = .milliseconds(firstTokenDelayMilliseconds)
        behaviour.errorStatus = errorStatus
        behaviour.errorMessage = errorMessage
        behaviour.cutAfterChunks = cutAfter
        behaviour.hang = hang
        behaviour.malformedLineAfterChunks = malformedAfter
        behaviour.pullFails = pullFails
        behaviour.errorType = errorType
        behaviour.errorCount = errorCount
        behaviour.retryAfter = retryAfter
        behaviour.streamErrorAfterChunks = streamErrorAfter
        behaviour.endless = endless
        behaviour.apiKey = apiKeyEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        return behaviour
    }

    func run() async throws {
        let logger = {
            var logger = Logger(label: "ollama-sim")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
            return logger
        }()
        let simulator = ModelSimulator(api: simulatorAPI, host: host, port: port, behaviour: behaviour, logger: logger)
        let signals = TerminationSignals()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            group.addTask {
                let port = try await simulator.listeningPort()
                let shownHost = host.contains(":") ? "[\(host)]" : host
                // One unbuffered line, so a script reading a pipe sees it at once.
                FileHandle.standardOutput.write(Data("ollama-sim (\(api) API) listening on http://\(shownHost):\(port)\n".utf8))
            }
            group.addTask {
                let signal = await signals.next()
                logger.notice("stopping", metadata: ["signal": "\(signal)"])
                throw CancellationError()
            }
            // The first child to throw (a failed bind, or a signal) stops the rest.
            do {
                while try await group.next() != nil {}
            } catch is CancellationError {
                group.cancelAll()
            }
        }
    }
}

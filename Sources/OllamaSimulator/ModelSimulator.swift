import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The name tests and benchmarks have always used; the Ollama face is the default.
public typealias OllamaSimulator = ModelSimulator

/// A faithful, scriptable stand-in for a model provider, for tests, demos and benchmarks: one
/// server core with three faces (``SimulatorAPI``) — Ollama's API (`/api/version`,
/// `/api/tags`, `/api/show`, `/api/chat`, `/api/pull`, `/`), OpenAI's Chat Completions
/// (`/v1/chat/completions` with SSE, `/v1/models`) and Anthropic's Messages API
/// (`/v1/messages` with SSE, `/v1/models`).
///
/// It answers over real sockets, deterministically, according to a ``SimulatorBehaviour``, and
/// counts what it saw (``SimulatorStats``) — including chats whose client went away
/// mid-stream, which is how a test proves an abort reached the backend.
///
/// Run it inside structured concurrency; it serves until its task is cancelled:
///
/// ```swift
/// let simulator = ModelSimulator(api: .anthropic, behaviour: .init(tokensPerSecond: 20))
/// try await simulator.withRunning { port in
///     // talk to http://127.0.0.1:\(port)
///     simulator.behaviour.hang = true
///     print(simulator.stats().chatsStarted)
/// }
/// ```
///
/// Its own control endpoints, `GET|POST /_sim/behaviour`, `GET /_sim/stats` and
/// `POST /_sim/reset`, do the same over HTTP for a simulator in another process.
public struct ModelSimulator: Sendable {
    /// The API it speaks.
    public let api: SimulatorAPI
    /// The address it binds; keep the default loopback address for tests.
    public let host: String
    /// The port it binds; `0` picks a free one, reported by ``listeningPort()``.
    public let port: Int
    /// Request bodies larger than this are answered with 413.
    public let maxRequestBodyBytes: Int
    private let logger: Logger
    private let state: SimulatorState

    /// Warnings and errors only: a simulator inside a test stays quiet (the `ollama-sim`
    /// command passes a logger at its `--log-level`).
    static var quietLogger: Logger {
        var logger = Logger(label: "ollama-sim")
        logger.logLevel = .warning
        return logger
    }

    /// - Parameter behaviour: nil starts with ``SimulatorBehaviour/defaults(for:)`` of `api`.
    /// - Parameter logger: nil logs warnings and errors only.
    public init(
        api: SimulatorAPI = .ollama,
        host: String = "127.0.0.1",
        port: Int = 0,
        behaviour: SimulatorBehaviour? = nil,
        maxRequestBodyBytes: Int = 8 * 1024 * 1024,
        logger: Logger? = nil
    ) {
        self.api = api
        self.host = host
        self.port = port
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.logger = logger ?? Self.quietLogger
        self.state = SimulatorState(behaviour: behaviour ?? .defaults(for: api))
    }

    /// The behaviour the next request will see. Setting it affects every copy of this
    /// simulator value, running or not.
    public var behaviour: SimulatorBehaviour {
        get { state.behaviour }
        nonmutating set { state.behaviour = newValue }
    }

    /// Changes the behaviour in one atomic step, e.g. `simulator.updateBehaviour { $0.hang = true }`.
    public func updateBehaviour(_ update: (inout SimulatorBehaviour) -> Void) {
        _ = state.updateBehaviour(update)
    }

    /// A snapshot of the counters.
    public func stats() -> SimulatorStats {
        state.stats
    }

    /// Zeroes the counters and forgets the last chat request; chats still running stay in
    /// ``SimulatorStats/currentlyStreaming`` until they end.
    public func resetStats() {
        state.resetStats()
    }

    /// The port it listens on, or nil before it is listening and after it stopped.
    public var boundPort: Int? {
        state.boundPort
    }

    /// Waits until ``run()`` is listening and returns the port. Throws
    /// ``SimulatorError/notListening(_:)`` if the server failed to bind or stopped, and
    /// `CancellationError` if the waiting task is cancelled.
    public func listeningPort() async throws -> Int {
        try await state.listeningPort()
    }

    /// Binds and serves until the calling task is cancelled, then closes every connection
    /// and returns. A simulator runs once: a second call throws ``SimulatorError/alreadyStarted``.
    public func run() async throws {
        try state.markStarting()
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // A gateway starting 1,000 chats within a second opens as many connections at
                // once; with a backlog of 256 the rest failed to connect (the `stream` benchmark).
                .serverChannelOption(.backlog, value: 4096)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            state.markEnded(failure: "could not listen on \(host):\(port): \(error)")
            throw error
        }
        guard let boundPort = server.channel.localAddress?.port else {
            try? await server.channel.close()
            state.markEnded(failure: "the listening socket has no port")
            throw SimulatorError.notListening("the listening socket has no port")
        }
        state.markListening(port: boundPort)
        logger.info("model simulator listening", metadata: ["api": "\(api.rawValue)", "host": "\(host)", "port": "\(boundPort)"])
        defer { state.markEnded(failure: nil) }

        let connectionHandler = ConnectionHandler(
            router: EndpointRouter(api: api, state: state, logger: logger),
            maxRequestBodyBytes: maxRequestBodyBytes,
            logger: logger
        )
        do {
            // A discarding group, so finished connections do not pile up until shutdown.
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await connectionHandler.serve(connection) }
                    }
                }
            }
        } catch where Task.isCancelled {
            // Cancellation is the way to stop the simulator, not a failure.
        }
    }

    /// Runs the simulator for the duration of `body`, which receives the listening port;
    /// stops it (closing every connection) when `body` returns or throws.
    public func withRunning<Result>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await run() }
            do {
                let port = try await listeningPort()
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

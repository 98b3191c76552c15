import Foundation
import GatewayImpl
import GeneratedProtocol
import Logging
import Runtime

/// The whole gateway assembled from one configuration — store, backend, methods, transport —
/// exactly as `kubeclaw serve` runs it. Tests build it the same way, on free ports.
public struct GatewayAssembly: Sendable {
    /// Everything needed to assemble a gateway.
    public struct Configuration: Sendable {
        public var runtime: RuntimeConfiguration
        public var dataDirectory: String
        public var ollamaURL: String
        public var configFile: ConfigFile
        public var agent: AgentConfiguration
        public var generation: ModelGenerationOptions
        /// What `config.get` shows as the effective configuration (already redacted).
        public var effectiveConfig: JSONValue
        public var serviceVersion: String
        /// Longest wait for a model's first streamed piece (``GatewaySettings/firstTokenTimeout``). Default 120 s.
        public var firstTokenTimeout: Duration = .seconds(120)
        /// Longest pause inside a streamed reply (``GatewaySettings/streamIdleTimeout``). Default 120 s.
        public var streamIdleTimeout: Duration = .seconds(120)
        /// Longest model reply in UTF-8 bytes (``GatewaySettings/maxReplyBytes``). Default 1 MiB.
        public var maxReplyBytes: Int = 1 << 20
        /// Chat runs streaming at once per client identity
        /// (``GatewaySettings/maxConcurrentRunsPerClient``); 0 is no limit. Default 8.
        public var maxConcurrentRunsPerClient: Int = 8
        /// How long sessions and transcripts are kept (``GatewaySettings/retention``).
        public var retention = RetentionPolicy()
        /// How long `/readyz` reuses the data directory's write probe (``DiskWriteProbe``).
        /// Default 5 s.
        public var diskProbeInterval: Duration = .seconds(5)
        /// The model providers. nil: Ollama at `ollamaURL` plus the config file's `providers`,
        /// without reading the environment (`kubeclaw serve` passes the environment's).
        public var providers: ProviderSettings?
        /// The level of every logger the assembly creates (`kubeclaw serve` bootstraps the
        /// logging system with its `--log-level` instead; tests pass `.warning`).
        public var logLevel: Logger.Level = .info
        /// Opens what replicas share (PostgreSQL, `kubeclaw serve --database-url`): the store and
        /// the relay of events between replicas, given this replica's ``replicaId`` and a logger;
        /// nil keeps sessions in SQLite in ``dataDirectory`` and events in the process.
        public var sharedStore: (@Sendable (_ replicaId: String, Logger) async throws -> SharedStore)?
        /// This process's name among replicas sharing a store (run leases): the host name (the
        /// pod's name in Kubernetes) and a random suffix, so a restarted pod is a new replica.
        public var replicaId = Self.defaultReplicaId()
        /// Where the gateway keeps its recent log lines (`logs.tail`); `kubeclaw serve` uses the
        /// process-wide one.
        public var logLines: RecentLogLines = .process

        public init(
            runtime: RuntimeConfiguration = RuntimeConfiguration(), dataDirectory: String, ollamaURL: String,
            configFile: ConfigFile = ConfigFile(), agent: AgentConfiguration? = nil, generation: ModelGenerationOptions? = nil,
            effectiveConfig: JSONValue = [:], serviceVersion: String = "0.0.0-test", providers: ProviderSettings? = nil
        ) {
            self.runtime = runtime
            self.dataDirectory = dataDirectory
            self.ollamaURL = ollamaURL
            self.configFile = configFile
            self.agent = agent ?? configFile.agent
            self.generation = generation ?? configFile.generation
            self.effectiveConfig = effectiveConfig
            self.serviceVersion = serviceVersion
            self.providers = providers
        }

        static func defaultReplicaId() -> String {
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "kubeclaw"
            return host + "-" + UUID().uuidString.prefix(8).lowercased()
        }

        /// ``providers``, or what nil stands for.
        public var resolvedProviders: ProviderSettings {
            providers ?? ProviderSettings(ollamaURL: ollamaURL, file: configFile.providers)
        }

        /// A logger for one of the assembly's parts, at ``logLevel``.
        func logger(_ label: String) -> Logger {
            var logger = Logger(label: label)
            logger.logLevel = logLevel
            return logger
        }
    }

    /// What replicas share: their store and the relay of their events.
    public struct SharedStore: Sendable {
        public var store: any SessionStore
        public var relay: any EventRelay

        public init(store: any SessionStore, relay: any EventRelay) {
            self.store = store
            self.relay = relay
        }
    }

    public let store: any SessionStore
    /// Relays events between replicas (a shared store only) until ``finish(logger:)``.
    let relay: (relay: any EventRelay, task: Task<Void, Never>)?
    /// Every model provider (Ollama, OpenAI, Anthropic, named ones), routed by `provider/model`.
    public let providers: ModelProviders
    public let gateway: Gateway
    public let server: GatewayServer<Gateway>

    /// Opens the store and the backend client and builds the server (nothing listens yet).
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "kubeclaw")) async throws {
        let store: any SessionStore
        let eventRelay: (any EventRelay)?
        if let openShared = configuration.sharedStore {
            let shared = try await openShared(configuration.replicaId, configuration.logger("kubeclaw.store"))
            (store, eventRelay) = (shared.store, shared.relay)
        } else {
            (store, eventRelay) = (try SQLiteSessionStore(directory: configuration.dataDirectory), nil)
        }
        let providers: ModelProviders
        do {
            providers = try await ModelProviders(
                settings: configuration.resolvedProviders, agentModels: configuration.agent.modelChain,
                logger: configuration.logger("kubeclaw.providers"))
        } catch {
            try? await store.close()
            throw error
        }
        // Every logger of the gateway also keeps its lines for `logs.tail`.
        let logLines = configuration.logLines
        let log = { (label: String) in RecentLogHandler.teeing(configuration.logger(label), into: logLines) }
        let eventBus = EventBus(logger: log("kubeclaw.events"))
        let status = StatusBox()
        var runtime = configuration.runtime
        runtime.serviceVersion = configuration.serviceVersion
        var settings = GatewaySettings(
            agent: configuration.agent, generation: configuration.generation, serviceVersion: configuration.serviceVersion,
            dataDirectory: configuration.dataDirectory, storePath: store.location, configFile: configuration.configFile,
            effectiveConfig: configuration.effectiveConfig, backendURL: Self.withoutCredentials(configuration.ollamaURL),
            authMode: Snapshot.AuthMode(rawValue: runtime.auth.mode.rawValue) ?? .none)
        settings.firstTokenTimeout = configuration.firstTokenTimeout
        settings.streamIdleTimeout = configuration.streamIdleTimeout
        settings.maxReplyBytes = configuration.maxReplyBytes
        settings.maxConcurrentRunsPerClient = configuration.maxConcurrentRunsPerClient
        settings.retention = configuration.retention
        if configuration.sharedStore != nil {
            settings.runLeases = RunLeasePolicy(replicaId: configuration.replicaId)
        }
        let metrics = GatewayMetrics()
        let events: any GatewayEventSink = eventRelay.map { ReplicatingEventSink(local: eventBus, relay: $0) } ?? eventBus
        let gateway = Gateway(
            settings: settings, store: store, providers: providers, events: events, runtimeStatus: { status.current() },
            runObserver: metrics, relay: eventRelay, logLines: logLines, logger: log("kubeclaw.gateway"))
        // A process alone with its store owns every run in it, so runs left `running` were
        // interrupted by its predecessor. In a shared database they may be other replicas'
        // live runs: there only runs whose lease expired are failed, by the lease keeper.
        if let leases = gateway.runLeases {
            await leases.start()
        } else {
            await gateway.chat.recoverInterruptedRuns()
        }
        await gateway.retention.start()

        let probes = Self.probes(store: store, relay: eventRelay, providers: providers, configuration: configuration)
        let agent = configuration.agent
        let controlUI = ControlUIConfiguration(directory: runtime.controlUIDirectory) { agentId in
            agentId == agent.id ? AgentAvatar(url: agent.avatar, glyph: agent.glyph) : nil
        }
        let server = GatewayServer(
            configuration: runtime, methods: gateway, makeContext: CallerContext.init(connection:), eventBus: eventBus,
            deviceTokens: gateway.devices, probes: probes, controlUI: controlUI, metrics: metrics, logger: log("kubeclaw.runtime"))
        status.bind(server: server)
        // Other replicas' events go to this replica's connections (not back to the relay), and
        // a run that ended elsewhere answers this replica's `agent.wait`ers.
        relay = eventRelay.map { relay in
            (relay, Task { [chat = gateway.chat, replicaId = configuration.replicaId] in
                await relay.run { delivery in
                    switch delivery {
                    case let .event(event):
                        eventBus.publish(event)
                        if case let .chat(ended) = event, ended.state != .delta {
                            Task { await chat.runEndedElsewhere(ended.runId) }
                        }
                    case let .control(.abortRequest(request)) where request.owner == replicaId:
                        Task { relay.send(.abortReply(await chat.abortForReplica(request))) }
                    case let .control(.abortReply(reply)):
                        Task { await chat.received(reply) }
                    case .control:
                        break
                    }
                }
            })
        }
        self.store = store
        self.providers = providers
        self.gateway = gateway
        self.server = server
    }

    /// `/healthz` and `/readyz`. An SQLite store is part of the process, so a broken one fails
    /// liveness, and readiness watches its directory's free space. A shared database is not:
    /// while it is unreachable, or the event relay is not listening, the replica is unready (no
    /// traffic routed to it) but alive — restarting every replica would not bring the database back.
    private static func probes(
        store: any SessionStore, relay: (any EventRelay)?, providers: ModelProviders, configuration: Configuration
    ) -> HealthProbes {
        let chain = configuration.agent.modelChain
        let storeCheck = { @Sendable () async -> HealthCheck in
            let healthy = await store.isHealthy()
            return HealthCheck(name: "store", isHealthy: healthy, detail: healthy ? nil : "session store unavailable")
        }
        // Ready when the agent's model, or one of its fallbacks, can serve; the detail names
        // each model that cannot (a provider without a key included).
        let backendCheck = { @Sendable () async -> HealthCheck in
            let status = await providers.chainStatus(chain)
            return HealthCheck(name: "backend", isHealthy: status.reachable && status.modelPresent, detail: status.detail)
        }
        if let relay {
            // Unready while other replicas' events cannot arrive: its clients would miss them.
            let relayCheck = { @Sendable () -> HealthCheck in
                let receiving = relay.isReceiving
                return HealthCheck(name: "events", isHealthy: receiving, detail: receiving ? nil : "not receiving other replicas' events")
            }
            return HealthProbes(health: { [] }, readiness: { [await storeCheck(), relayCheck(), await backendCheck()] })
        }
        let diskProbe = DiskWriteProbe(
            directory: URL(fileURLWithPath: store.location).deletingLastPathComponent().path, interval: configuration.diskProbeInterval)
        return HealthProbes(
            health: { [await storeCheck()] },
            readiness: {
                // Not ready on a full or read-only data directory: chats could not be saved.
                let disk = await diskProbe.check()
                return [HealthCheck(name: "disk", isHealthy: disk.isWritable, detail: disk.detail), await backendCheck()]
            })
    }

    /// Serves while `body` runs (the listeners are bound when it starts), then shuts down
    /// gracefully — as SIGTERM would — and finishes. For tests and benchmarks; `kubeclaw serve`
    /// runs the server in a service group instead.
    public func withRunning<Result: Sendable>(
        _ body: (ServerState.Addresses) async throws -> Result
    ) async throws -> Result {
        let result: Result
        do {
            result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                defer { server.shutdown() }
                let value = try await body(try await server.state.addresses())
                server.shutdown()
                try await group.waitForAll()
                return value
            }
        } catch {
            await finish()
            throw error
        }
        await finish()
        return result
    }

    /// After the server stopped: stop the retention sweeps and the runs (partial answers are persisted), flush and close the
    /// store, release the HTTP client.
    public func finish(logger: Logger = Logger(label: "kubeclaw")) async {
        await gateway.retention.stop()
        await gateway.chat.stopAll()
        await gateway.runLeases?.stop()
        // After the runs: their last events still reach the other replicas — for at most 5 s
        // (an unreachable database must not hold the shutdown).
        if let relay {
            relay.relay.finish()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await relay.task.value }
                group.addTask { try? await Task.sleep(for: .seconds(5)) }
                await group.next()
                relay.task.cancel()
                group.cancelAll()
            }
        }
        do {
            try await store.close()
        } catch {
            logger.error("session store did not close cleanly", metadata: ["error": "\(error)"])
        }
        try? await providers.shutdown()
    }

    /// The URL with any `user:password@` (and secret-named query values) redacted, for display
    /// (``SecretRedactor/redactURL(_:)``).
    public static func withoutCredentials(_ url: String) -> String {
        SecretRedactor.redactURL(url)
    }
}

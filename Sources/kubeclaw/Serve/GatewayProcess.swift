import Foundation
import GatewayImpl
import GeneratedProtocol
import Logging
import Runtime
import ServiceLifecycle

/// Assembles the gateway — store, backend, methods, transport — and runs it until a signal.
struct GatewayProcess {
    let settings: ServeSettings

    func run() async throws {
        let logger = Logger(label: "kubeclaw")
        let store: SQLiteSessionStore
        do {
            store = try SQLiteSessionStore(directory: settings.dataDirectory)
        } catch {
            logger.critical("cannot open the session store", metadata: ["dataDir": "\(settings.dataDirectory)", "error": "\(error)"])
            throw error
        }
        let backend: OllamaBackend
        do {
            backend = try OllamaBackend(baseURL: settings.ollamaURL)
        } catch {
            try? await store.close()
            logger.critical("invalid Ollama URL", metadata: ["error": "\(error)"])
            throw error
        }
        let eventBus = EventBus(logger: Logger(label: "kubeclaw.events"))
        let state = StatusBox()
        let gatewaySettings = GatewaySettings(
            agent: settings.agent, generation: settings.generation, serviceVersion: BuildInfo.version,
            dataDirectory: settings.dataDirectory, storePath: store.path, configFile: settings.configFile,
            effectiveConfig: settings.effectiveConfig, backendURL: ServeSettings.withoutCredentials(settings.ollamaURL),
            authMode: Snapshot.AuthMode(rawValue: settings.runtime.auth.mode.rawValue) ?? .none)
        let gateway = Gateway(
            settings: gatewaySettings, store: store, backend: backend, events: eventBus,
            runtimeStatus: { state.current() }, logger: Logger(label: "kubeclaw.gateway"))
        await gateway.chat.recoverInterruptedRuns()

        let model = settings.agent.model
        let probes = HealthProbes(
            health: {
                let healthy = await store.isHealthy()
                return [HealthCheck(name: "store", isHealthy: healthy, detail: healthy ? nil : "session store unavailable")]
            },
            readiness: {
                let backendStatus = await BackendStatus.probe(backend, model: model)
                return [HealthCheck(name: "backend", isHealthy: backendStatus.reachable && backendStatus.modelPresent, detail: backendStatus.detail)]
            })
        let agent = settings.agent
        let controlUI = ControlUIConfiguration(directory: settings.runtime.controlUIDirectory) { agentId in
            agentId == agent.id ? AgentAvatar(url: agent.avatar, glyph: agent.glyph) : nil
        }
        let server = GatewayServer(
            configuration: settings.runtime, methods: gateway, makeContext: CallerContext.init(connection:),
            eventBus: eventBus, probes: probes, controlUI: controlUI, logger: Logger(label: "kubeclaw.runtime"))
        state.bind(server: server)

        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("gateway stopped with an error", metadata: ["error": "\(error)"])
            await finish(gateway: gateway, store: store, backend: backend, logger: logger)
            throw error
        }
        await finish(gateway: gateway, store: store, backend: backend, logger: logger)
    }

    /// After the connections are closed: stop runs (their partial answers are persisted),
    /// flush and close the store, release the HTTP client.
    private func finish(gateway: Gateway, store: SQLiteSessionStore, backend: OllamaBackend, logger: Logger) async {
        await gateway.chat.stopAll()
        do {
            try await store.close()
        } catch {
            logger.error("session store did not close cleanly", metadata: ["error": "\(error)"])
        }
        try? await backend.shutdown()
        logger.info("stopped")
    }
}

import GatewayImpl
import KubeclawServer
import Logging
import ServiceLifecycle

/// Runs the assembled gateway in a service group until SIGTERM/SIGINT.
struct GatewayProcess {
    let settings: ServeSettings

    func run() async throws {
        let logger = Logger(label: "kubeclaw")
        let assembly: GatewayAssembly
        do {
            var configuration = GatewayAssembly.Configuration(
                runtime: settings.runtime, dataDirectory: settings.dataDirectory, ollamaURL: settings.ollamaURL,
                configFile: settings.configFile, agent: settings.agent, generation: settings.generation,
                effectiveConfig: settings.effectiveConfig, serviceVersion: BuildInfo.version, providers: settings.providers)
            configuration.maxReplyBytes = settings.maxReplyBytes
            configuration.maxConcurrentRunsPerClient = settings.maxRunsPerClient
            configuration.retention = settings.retention
            assembly = try await GatewayAssembly(configuration, logger: logger)
        } catch {
            logger.critical("the gateway could not start", metadata: ["dataDir": "\(settings.dataDirectory)", "error": "\(error)"])
            throw error
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: assembly.server, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("gateway stopped with an error", metadata: ["error": "\(error)"])
            await assembly.finish(logger: logger)
            throw error
        }
        await assembly.finish(logger: logger)
        logger.info("stopped")
    }
}

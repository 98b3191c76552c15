import GatewayImpl
import KubeclawServer
import Logging
import ServiceLifecycle

/// Runs the assembled gateway in a service group until SIGTERM/SIGINT.
struct GatewayProcess {
    let configuration: KubeclawConfiguration

    func run() async throws {
        let logger = Logger(label: "kubeclaw")
        let assembly: GatewayAssembly
        do {
            assembly = try await GatewayAssembly(configuration.assembly, logger: logger)
        } catch {
            logger.critical("the gateway could not start", metadata: ["store": "\(configuration.store.description)", "error": "\(error)"])
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

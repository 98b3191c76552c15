import GatewayImpl
import GeneratedProtocol
import Runtime
import Locking

/// Lets the methods read live transport numbers from a server created after them.
final class StatusBox: Sendable {
    private let read = Locked<(@Sendable () -> Gateway.RuntimeStatus)?>(nil)

    func bind<Methods: GatewayMethods>(server: GatewayServer<Methods>) {
        read.withLock { $0 = { Gateway.RuntimeStatus(
                connections: server.eventBus.subscriberCount, uptimeMs: server.state.uptimeMs, presence: server.eventBus.presence()) } }
    }

    func current() -> Gateway.RuntimeStatus {
        read.withLock { $0 }?() ?? Gateway.RuntimeStatus(connections: 0, uptimeMs: 0)
    }
}

import GatewayImpl
import GeneratedProtocol
import Runtime
import Locking

/// Lets the methods read live transport numbers from a server created after them.
///
/// Holds the server as an existential, not as a closure over it. A closure kept in the generic
/// lock and read with `withLock { $0 }` was re-abstracted on the way out *and written back*
/// re-abstracted: every read wrapped the stored closure in two more thunks, never freed, so each
/// read was slower than the last (5,000 handshakes spent 27 % of their CPU walking the chain,
/// and it grew for the life of the process; Swift 6.3.1, -O).
final class StatusBox: Sendable {
    private let server = Locked<(any RuntimeStatusSource)?>(nil)

    func bind<Methods: GatewayMethods>(server: GatewayServer<Methods>) {
        self.server.withLock { $0 = server }
    }

    func current() -> Gateway.RuntimeStatus {
        server.withLock { $0 }?.runtimeStatus ?? Gateway.RuntimeStatus(connections: 0, uptimeMs: 0)
    }
}

/// What the transport knows that the methods report (`status`, `system-presence`, hello-ok).
protocol RuntimeStatusSource: Sendable {
    var runtimeStatus: Gateway.RuntimeStatus { get }
}

extension GatewayServer: RuntimeStatusSource {
    var runtimeStatus: Gateway.RuntimeStatus {
        Gateway.RuntimeStatus(connections: eventBus.subscriberCount, uptimeMs: state.uptimeMs, presence: eventBus.presence())
    }
}

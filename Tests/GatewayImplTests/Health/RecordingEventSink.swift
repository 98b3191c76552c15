import GatewayImpl
import GeneratedProtocol
import Synchronization

/// An event sink that keeps what was published.
final class RecordingEventSink: GatewayEventSink {
    private let published = Mutex<[GatewayEvent]>([])

    var events: [GatewayEvent] { published.withLock { $0 } }

    func publish(_ event: GatewayEvent) {
        published.withLock { $0.append(event) }
    }
}

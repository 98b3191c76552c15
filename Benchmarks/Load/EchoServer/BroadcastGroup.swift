import NIOCore
import NIOWebSocket
import Synchronization

/// The connections of `/fanout`: every message one of them sends goes to all of them, written
/// on each connection's own event loop. The floor of the gateway's event fan-out.
final class BroadcastGroup: Sendable {
    private let members = Mutex<[ObjectIdentifier: any Channel]>([:])

    func join(_ channel: any Channel) {
        members.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func leave(_ channel: any Channel) {
        _ = members.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func send(_ frame: WebSocketFrame) {
        let targets = members.withLock { Array($0.values) }
        for channel in targets {
            channel.writeAndFlush(frame, promise: nil)
        }
    }
}

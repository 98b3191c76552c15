import GeneratedProtocol
import NIOCore
import NIOWebSocket
import Locking

/// The mock's open connections (those past the handshake get events), the overrides, and what
/// clients sent — shared by the server and every connection.
final class MockConnections: Sendable {
    struct Connection: Sendable {
        var channel: any Channel
        var outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
        var connected = false
        var seq = 0
    }

    private struct State {
        var connections: [Int: Connection] = [:]
        var nextID = 0
        var replies: [String: MockReply] = [:]
        var received: [JSONValue] = []
    }

    private let state = Locked(State())

    func add(channel: any Channel, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.connections[state.nextID] = Connection(channel: channel, outbound: outbound)
            return state.nextID
        }
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.connections.removeValue(forKey: id) }
    }

    func markConnected(_ id: Int) {
        state.withLock { $0.connections[id]?.connected = true }
    }

    /// The next `seq` of connection `id` (or `forced`, which later ones continue from).
    func nextSeq(_ id: Int, forced: Int? = nil) -> Int {
        state.withLock { state in
            let seq = forced ?? ((state.connections[id]?.seq ?? 0) + 1)
            state.connections[id]?.seq = seq
            return seq
        }
    }

    var connected: [(id: Int, connection: Connection)] {
        state.withLock { state in state.connections.filter(\.value.connected).map { ($0.key, $0.value) }.sorted { $0.id < $1.id } }
    }

    var all: [Connection] { state.withLock { Array($0.connections.values) } }

    func record(_ frame: JSONValue) {
        state.withLock { $0.received.append(frame) }
    }

    var received: [JSONValue] { state.withLock { $0.received } }

    func setReply(_ reply: MockReply?, for method: String) {
        state.withLock { $0.replies[method] = reply }
    }

    func reply(for method: String) -> MockReply? {
        state.withLock { $0.replies[method] }
    }
}

import NIOCore
import NIOHTTP1
import Synchronization

/// Refusals decided in `shouldUpgrade`, handed to the not-upgraded path of the same channel.
///
/// Needed because NIO's typed server upgrader does not replay a refused upgrade request to the
/// not-upgraded pipeline: neither its head nor its end arrives there, so that path cannot look at
/// the request itself.
final class RefusalLedger: Sendable {
    private let refusals = Mutex<[ObjectIdentifier: (HTTPResponseStatus, String)]>([:])

    func record(_ status: HTTPResponseStatus, body: String, for channel: any Channel) {
        refusals.withLock { $0[ObjectIdentifier(channel)] = (status, body) }
    }

    /// The refusal for `channel`; 400 for a request that did not ask for an upgrade at all.
    func take(for channel: any Channel) -> (HTTPResponseStatus, String) {
        refusals.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } ?? (.badRequest, "not a WebSocket upgrade")
    }
}

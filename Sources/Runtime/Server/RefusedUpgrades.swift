import NIOCore
import Synchronization

/// Remembers which connections had their WebSocket upgrade refused (Origin check), so the
/// not-upgraded pipeline can answer 403: NIO does not replay a declined upgrade request into
/// that pipeline, so the refusal has to be carried over from `shouldUpgrade`.
final class RefusedUpgrades: Sendable {
    private let refused = Mutex<Set<ObjectIdentifier>>([])

    func mark(_ channel: any Channel) {
        _ = refused.withLock { $0.insert(ObjectIdentifier(channel)) }
    }

    /// Whether `channel` was refused; forgets it.
    func take(_ channel: any Channel) -> Bool {
        refused.withLock { $0.remove(ObjectIdentifier(channel)) != nil }
    }
}

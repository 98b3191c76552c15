import NIOCore
import Locking

/// Remembers which connections had their WebSocket upgrade refused in `shouldUpgrade`, and why,
/// so the not-upgraded pipeline can answer: NIO does not replay a declined upgrade request into
/// that pipeline, so the refusal has to be carried over. An entry lives from `shouldUpgrade` to
/// the not-upgraded pipeline's set-up on the same connection, which takes it.
final class RefusedUpgrades: Sendable {
    private let refused = Locked<[ObjectIdentifier: UpgradeRefusal]>([:])

    func mark(_ channel: any Channel, _ refusal: UpgradeRefusal) {
        refused.withLock { $0[ObjectIdentifier(channel)] = refusal }
    }

    /// Why `channel` was refused, if it was; forgets it.
    func take(_ channel: any Channel) -> UpgradeRefusal? {
        refused.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

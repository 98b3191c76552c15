import NIOCore
import Synchronization

/// Remembers which connections had their WebSocket upgrade refused (Host or Origin check), and
/// why, so the not-upgraded pipeline can answer 403: NIO does not replay a declined upgrade
/// request into that pipeline, so the refusal has to be carried over from `shouldUpgrade`.
final class RefusedUpgrades: Sendable {
    private let refused = Mutex<[ObjectIdentifier: OriginPolicy.Refusal]>([:])

    func mark(_ channel: any Channel, _ refusal: OriginPolicy.Refusal) {
        refused.withLock { $0[ObjectIdentifier(channel)] = refusal }
    }

    /// Why `channel` was refused, if it was; forgets it.
    func take(_ channel: any Channel) -> OriginPolicy.Refusal? {
        refused.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

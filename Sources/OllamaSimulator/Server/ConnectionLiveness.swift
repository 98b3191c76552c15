import Synchronization

/// Whether the peer of one connection is still there. The reader sets it when the inbound
/// side ends, before the response task is cancelled, so a cancelled chat can tell a client
/// that went away from a simulator that is shutting down.
final class ConnectionLiveness: Sendable {
    private let gone = Atomic<Bool>(false)

    func markClientGone() {
        gone.store(true, ordering: .sequentiallyConsistent)
    }

    var isClientGone: Bool {
        gone.load(ordering: .sequentiallyConsistent)
    }
}

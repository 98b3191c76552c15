import Synchronization

/// Whether any text of a reply has been passed on: after that, a failure can be neither
/// retried nor answered by a fallback (the client already shows part of the reply).
final class DeliveryFlag: Sendable {
    private let delivered = Atomic<Bool>(false)

    func markDelivered() {
        delivered.store(true, ordering: .sequentiallyConsistent)
    }

    var hasDelivered: Bool {
        delivered.load(ordering: .sequentiallyConsistent)
    }
}

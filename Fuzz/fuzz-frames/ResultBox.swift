import Synchronization

/// The value a task hands to the thread waiting for it.
final class ResultBox<T: Sendable>: Sendable {
    private let storage = Mutex<T?>(nil)

    func set(_ value: T) { storage.withLock { $0 = value } }

    var value: T? { storage.withLock { $0 } }
}

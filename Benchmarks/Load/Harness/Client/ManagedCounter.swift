import Synchronization

/// Hands out 0, 1, 2, … to concurrent workers.
final class ManagedCounter: Sendable {
    private let value = Mutex(0)

    /// The next number, or nil once `limit` is reached.
    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

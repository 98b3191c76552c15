import Locking

/// The open TCP connections of one listener, with a cap: a connection past it is refused.
final class ConnectionCap: Sendable {
    let limit: Int
    private let open = Locked(0)

    init(limit: Int) {
        self.limit = limit
    }

    var openConnections: Int { open.withLock { $0 } }

    /// Takes a place if one is free.
    func acquire() -> Bool {
        open.withLock { open in
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    func release() {
        open.withLock { $0 = max(0, $0 - 1) }
    }
}

import GeneratedProtocol
import Locking

/// The connected clients presence shows (`system-presence`, the `presence` event, the hello-ok
/// snapshot): newest first, at most ``limit`` entries, as OpenClaw keeps at most 200.
///
/// An entry is made once, when a client's handshake completes, and kept by connection id until
/// it leaves (the map's eviction rule: one entry per open connection). The list is computed when
/// first asked for after a change, by one pass over the entries that keeps the newest ``limit``,
/// so a connect costs a scan of plain values, not a lock and a copy per connection.
final class PresenceBoard: Sendable {
    /// OpenClaw's cap on presence entries.
    static let defaultLimit = 200

    let limit: Int
    private struct State {
        var entries: [String: PresenceEntry] = [:]
        /// The list as last computed; nil after a change.
        var newestFirst: [PresenceEntry]?
    }
    private let state = Locked(State())

    init(limit: Int = PresenceBoard.defaultLimit) {
        self.limit = max(1, limit)
    }

    /// Adds or replaces the entry of `connId`.
    func upsert(_ entry: PresenceEntry, for connId: String) {
        state.withLock {
            $0.entries[connId] = entry
            $0.newestFirst = nil
        }
    }

    /// Removes the entry of `connId`; whether there was one.
    @discardableResult
    func remove(_ connId: String) -> Bool {
        state.withLock {
            guard $0.entries.removeValue(forKey: connId) != nil else { return false }
            $0.newestFirst = nil
            return true
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// The newest ``limit`` entries, newest first (ties by instance id).
    func list() -> [PresenceEntry] {
        state.withLock { state in
            if let list = state.newestFirst { return list }
            var kept: [PresenceEntry] = []
            kept.reserveCapacity(min(limit, state.entries.count) + 1)
            for entry in state.entries.values {
                if kept.count == limit, let last = kept.last, !Self.isNewer(entry, than: last) { continue }
                // Binary search for the first kept entry this one is newer than.
                var low = 0
                var high = kept.count
                while low < high {
                    let middle = (low + high) / 2
                    if Self.isNewer(entry, than: kept[middle]) { high = middle } else { low = middle + 1 }
                }
                kept.insert(entry, at: low)
                if kept.count > limit { kept.removeLast() }
            }
            state.newestFirst = kept
            return kept
        }
    }

    /// Newest first; at the same instant, by instance id.
    private static func isNewer(_ a: PresenceEntry, than b: PresenceEntry) -> Bool {
        a.ts != b.ts ? a.ts > b.ts : (a.instanceId ?? "") < (b.instanceId ?? "")
    }
}

import Locking

/// What the whole run saw of each event: how many, and the first one that broke its schema.
/// The `event/<name>/payload` cases read it at the end.
final class EventLedger: Sendable {
    struct Entry: Sendable, Equatable {
        var count = 0
        var firstProblem: FrameProblem?
        /// The case during which the first problem was seen.
        var firstProblemCase: String?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var unknownEvents: Set<String> = []
    }

    private let state = Locked(State())

    func record(event name: String, problem: FrameProblem?, caseId: String) {
        state.withLock { state in
            var entry = state.entries[name] ?? Entry()
            entry.count += 1
            if entry.firstProblem == nil, let problem {
                entry.firstProblem = problem
                entry.firstProblemCase = caseId
            }
            state.entries[name] = entry
        }
    }

    func recordUnknown(event name: String) {
        _ = state.withLock { $0.unknownEvents.insert(name) }
    }

    func entry(for name: String) -> Entry {
        state.withLock { $0.entries[name] } ?? Entry()
    }

    /// Events the gateway sent that the spec does not define (allowed; listed in the report).
    var unknownEvents: [String] {
        state.withLock { $0.unknownEvents.sorted() }
    }
}

import Foundation
import KubeclawClient
import Synchronization

/// Everything a client reported since the log subscribed, kept for the test to search, so one
/// subscription serves every wait of a test.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let entries = Mutex<[ClientEvent<KubeclawEvent>]>([])
    }

    private let storage: Storage
    private let reader: Task<Void, Never>

    /// Subscribes now: reports from here on are kept.
    init(_ client: KubeclawClient) {
        let stream = client.events()
        let storage = Storage()
        self.storage = storage
        reader = Task {
            for await entry in stream { storage.entries.withLock { $0.append(entry) } }
        }
    }

    deinit { reader.cancel() }

    var all: [ClientEvent<KubeclawEvent>] { storage.entries.withLock { $0 } }

    /// The first report `match` picks, waiting for it at most `timeout`.
    func first<Value>(
        _ what: String, timeout: Duration = .seconds(30), where match: (ClientEvent<KubeclawEvent>) -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            for entry in all {
                if let value = match(entry) { return value }
            }
            guard ContinuousClock.now < deadline else { throw TestFailure("not within \(timeout): \(what); got \(all.count) reports") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The chat events of run `runId`, in order.
    func chat(runId: String) -> [ChatEvent] {
        all.compactMap { entry in
            if case .event(.chat(let event)) = entry, event.runId == runId { return event }
            return nil
        }
    }
}

import Locking

/// The simulator's shared, mutable state: the behaviour, the counters, and the listening
/// port with the tasks waiting for it. One lock; nothing inside it awaits.
final class SimulatorState: Sendable {
    private struct Storage {
        var behaviour: SimulatorBehaviour
        var stats = SimulatorStats()
        var lifecycle = ServerLifecycle.idle
        var portWaiters: [Int: CheckedContinuation<Int, any Error>] = [:]
        var nextWaiterID = 0
    }

    private let storage: Locked<Storage>

    init(behaviour: SimulatorBehaviour) {
        self.storage = Locked(Storage(behaviour: behaviour))
    }

    // MARK: Behaviour

    var behaviour: SimulatorBehaviour {
        get { storage.withLock { $0.behaviour } }
        set { storage.withLock { $0.behaviour = newValue } }
    }

    func updateBehaviour<Failure: Error>(
        _ update: (inout SimulatorBehaviour) throws(Failure) -> Void
    ) throws(Failure) -> SimulatorBehaviour {
        try storage.withLock { (storage: inout Storage) throws(Failure) -> SimulatorBehaviour in
            try update(&storage.behaviour)
            return storage.behaviour
        }
    }

    /// Whether this chat gets the injected ``SimulatorBehaviour/errorStatus``: always when no
    /// ``SimulatorBehaviour/errorCount`` is set, else while the count lasts (each call uses one).
    func claimInjectedError() -> Bool {
        storage.withLock { storage in
            guard storage.behaviour.errorStatus != nil else { return false }
            guard let remaining = storage.behaviour.errorCount else { return true }
            guard remaining > 0 else { return false }
            storage.behaviour.errorCount = remaining - 1
            return true
        }
    }

    // MARK: Stats

    var stats: SimulatorStats {
        storage.withLock { $0.stats }
    }

    func resetStats() {
        storage.withLock { storage in
            // Chats still running stay counted, so the streaming gauge returns to 0 when they end.
            storage.stats = SimulatorStats(currentlyStreaming: storage.stats.currentlyStreaming)
        }
    }

    func recordRequest(method: String, path: String) {
        storage.withLock { $0.stats.requests["\(method) \(path)", default: 0] += 1 }
    }

    func recordChatRequest(_ request: RecordedChatRequest) {
        storage.withLock { $0.stats.lastChatRequest = request }
    }

    func chatStarted() {
        storage.withLock { $0.stats.chatsStarted += 1 }
    }

    func chatFailed() {
        storage.withLock { $0.stats.chatsFailed += 1 }
    }

    func streamingBegan() {
        storage.withLock { $0.stats.currentlyStreaming += 1 }
    }

    /// Ends one running chat and counts how it ended.
    func streamingEnded(_ ending: ChatEnding) {
        storage.withLock { storage in
            storage.stats.currentlyStreaming = max(0, storage.stats.currentlyStreaming - 1)
            switch ending {
            case .completed: storage.stats.chatsCompleted += 1
            case .clientDisconnected: storage.stats.chatsCancelled += 1
            case .failed: storage.stats.chatsFailed += 1
            case .serverStopped: break
            }
        }
    }

    // MARK: Lifecycle

    var boundPort: Int? {
        storage.withLock { storage in
            if case .listening(let port) = storage.lifecycle { return port }
            return nil
        }
    }

    func markStarting() throws(SimulatorError) {
        try storage.withLock { (storage: inout Storage) throws(SimulatorError) in
            guard case .idle = storage.lifecycle else { throw SimulatorError.alreadyStarted }
            storage.lifecycle = .starting
        }
    }

    func markListening(port: Int) {
        storage.withLock { storage in
            storage.lifecycle = .listening(port: port)
            for waiter in storage.portWaiters.values { waiter.resume(returning: port) }
            storage.portWaiters.removeAll()
        }
    }

    func markEnded(failure: String?) {
        storage.withLock { storage in
            storage.lifecycle = failure.map(ServerLifecycle.failed) ?? .stopped
            let error = SimulatorError.notListening(failure ?? "the simulator has stopped")
            for waiter in storage.portWaiters.values { waiter.resume(throwing: error) }
            storage.portWaiters.removeAll()
        }
    }

    /// Waits until the server listens; throws if it fails or stops first, or if the waiting task is cancelled.
    func listeningPort() async throws -> Int {
        let id = storage.withLock { storage in
            storage.nextWaiterID += 1
            return storage.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                storage.withLock { storage in
                    // Checked under the lock, so a cancellation either lands here or finds the waiter below.
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    switch storage.lifecycle {
                    case .listening(let port):
                        continuation.resume(returning: port)
                    case .failed(let reason):
                        continuation.resume(throwing: SimulatorError.notListening(reason))
                    case .stopped:
                        continuation.resume(throwing: SimulatorError.notListening("the simulator has stopped"))
                    case .idle, .starting:
                        storage.portWaiters[id] = continuation
                    }
                }
            }
        } onCancel: {
            storage.withLock { storage in
                storage.portWaiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
            }
        }
    }
}

import Logging

/// Keeps the run leases of a replica sharing its store (``RunLeasePolicy``): every
/// ``RunLeasePolicy/renewInterval`` it renews this replica's runs and records runs whose lease
/// expired as failed. A store error is logged and retried next time; it never stops the gateway.
public actor RunLeaseKeeper {
    public nonisolated let policy: RunLeasePolicy
    private let chat: ChatRuns
    private var loop: Task<Void, Never>?

    init(policy: RunLeasePolicy, chat: ChatRuns) {
        self.policy = policy
        self.chat = chat
    }

    /// Starts keeping leases (idempotent). The first sweep runs at once: a replica starting
    /// after a crash finds its predecessor's runs expired.
    public func start() {
        guard loop == nil else { return }
        loop = Task { [chat, policy] in
            while !Task.isCancelled {
                await chat.keepLeases(policy)
                guard (try? await Task.sleep(for: policy.renewInterval)) != nil else { return }
            }
        }
    }

    /// Stops keeping leases and waits for a round in progress (before the store closes).
    public func stop() async {
        let task = loop
        loop = nil
        task?.cancel()
        await task?.value
    }
}

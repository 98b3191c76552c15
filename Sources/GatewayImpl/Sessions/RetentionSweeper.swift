import Foundation
import Logging

/// Applies the ``RetentionPolicy`` every ``RetentionPolicy/sweepInterval``: deletes sessions idle
/// past ``RetentionPolicy/sessionRetention`` (publishing `sessions.changed` `delete` for each) and
/// trims transcripts to ``RetentionPolicy/maxMessagesPerSession``, at most
/// ``RetentionPolicy/batchSize`` of each per sweep. A store error is logged and retried at the
/// next sweep; it never stops the gateway.
public actor RetentionSweeper {
    /// What one sweep did.
    public struct Sweep: Sendable, Equatable {
        public var expiredSessions: [String] = []
        public var trimmedMessages = 0
    }

    public nonisolated let policy: RetentionPolicy
    private let store: any SessionStore
    private let sessionEvents: SessionEvents
    private let activeSessions: @Sendable () async -> Set<String>
    private let logger: Logger
    private var loop: Task<Void, Never>?

    init(
        policy: RetentionPolicy, store: any SessionStore, sessionEvents: SessionEvents,
        activeSessions: @escaping @Sendable () async -> Set<String>, logger: Logger
    ) {
        self.policy = policy
        self.store = store
        self.sessionEvents = sessionEvents
        self.activeSessions = activeSessions
        self.logger = logger
    }

    /// Starts sweeping (idempotent; nothing when the policy keeps everything).
    public func start() {
        guard loop == nil, policy.isEnabled else { return }
        loop = Task { [weak self, policy] in
            while !Task.isCancelled {
                await self?.sweep()
                guard (try? await Task.sleep(for: policy.sweepInterval)) != nil else { return }
            }
        }
    }

    /// Stops sweeping and waits for a sweep in progress (before the store closes).
    public func stop() async {
        let task = loop
        loop = nil
        task?.cancel()
        await task?.value
    }

    /// One sweep, now.
    @discardableResult
    public func sweep(now: Int64? = nil) async -> Sweep {
        let now = now ?? Gateway.nowMs()
        var result = Sweep()
        do {
            if policy.sessionRetention > .zero {
                let cutoff = now - Int64(policy.sessionRetention / .milliseconds(1))
                result.expiredSessions = try await store.expireSessions(
                    updatedBefore: cutoff, keeping: await activeSessions(), limit: policy.batchSize)
                for key in result.expiredSessions {
                    sessionEvents.changed(key, reason: .delete, record: nil)
                }
            }
            if policy.maxMessagesPerSession > 0 {
                result.trimmedMessages = try await store.trimTranscripts(
                    keepingNewest: policy.maxMessagesPerSession, limit: policy.batchSize)
            }
        } catch {
            logger.warning("retention sweep failed; retrying at the next one", metadata: ["error": "\(error)"])
        }
        if !result.expiredSessions.isEmpty || result.trimmedMessages > 0 {
            logger.info(
                "retention sweep", metadata: ["expiredSessions": "\(result.expiredSessions.count)", "trimmedMessages": "\(result.trimmedMessages)"])
        }
        return result
    }
}

import Foundation
import Locking

/// `chat.abort` for runs another replica streams: the request goes to the run's owner through
/// the ``EventRelay``; the caller waits for the owner's ``RemoteAbortReply`` up to ``replyTimeout``.
/// Every pending request is removed when its reply arrives or its wait ends, so the map holds
/// only requests in flight.
final class RemoteAborts: Sendable {
    /// How long a replica waits for the owner's reply (the owner persists the abort first).
    static let replyTimeout: Duration = .seconds(5)

    let relay: any EventRelay
    let replicaId: String
    private let pending = Locked<[String: CheckedContinuation<RemoteAbortReply?, Never>]>([:])

    init(relay: any EventRelay, replicaId: String) {
        self.relay = relay
        self.replicaId = replicaId
    }

    /// Asks `owner` to abort; its reply, or nil when none came in time.
    func request(owner: String, sessionKey: String, runId: String?, requester: CallerContext?) async -> RemoteAbortReply? {
        let request = RemoteAbortRequest(
            requestId: UUID().uuidString.lowercased(), owner: owner, replyTo: replicaId, sessionKey: sessionKey, runId: runId,
            requesterIsAdmin: requester?.isAdmin ?? true, requesterDeviceId: requester?.deviceId)
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: Self.replyTimeout)) != nil else { return }
            self?.resolve(request.requestId, with: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            pending.withLock { $0[request.requestId] = continuation }
            relay.send(.abortRequest(request))
        }
    }

    /// A reply came through the relay (ignored unless this replica asked).
    func received(_ reply: RemoteAbortReply) {
        guard reply.replyTo == replicaId else { return }
        resolve(reply.requestId, with: reply)
    }

    private func resolve(_ requestId: String, with reply: RemoteAbortReply?) {
        pending.withLock { $0.removeValue(forKey: requestId) }?.resume(returning: reply)
    }

    /// Requests waiting for a reply (tests).
    var pendingCount: Int { pending.withLock { $0.count } }
}

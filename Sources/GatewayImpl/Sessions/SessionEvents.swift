import Foundation
import GeneratedProtocol
import Logging

/// Publishes what changed about sessions to the connections that asked for it: `sessions.changed`
/// (to `sessions.subscribe`rs) and `session.message` (to `sessions.messages.subscribe`rs of that
/// session). The transport filters by subscription, so publishing costs one encoding when nobody
/// listens. Events are best effort: a store read that fails drops the event, never the change.
struct SessionEvents: Sendable {
    let settings: GatewaySettings
    let store: any SessionStore
    let events: any GatewayEventSink
    let logger: Logger

    /// A session was created, patched, reset or (`record` nil) deleted.
    func changed(_ key: String, reason: SessionsChangedEvent.Reason, record: SessionRecord?, hasActiveRun: Bool = false) {
        events.publish(.sessionsChanged(payload(key: key, reason: reason, record: record, hasActiveRun: hasActiveRun)))
    }

    /// `message` was appended to its session's transcript: `session.message`, then
    /// `sessions.changed` (`message`) with the session's row as it is now.
    func appended(_ message: StoredMessage, hasActiveRun: Bool) async {
        let count: Int
        let record: SessionRecord?
        do {
            count = try await store.messageCount(sessionKey: message.sessionKey)
            record = try await store.session(key: message.sessionKey)
        } catch {
            logger.warning("session events skipped: the store could not be read", metadata: ["error": "\(error)"])
            return
        }
        let agentId = record?.agentId ?? settings.agent.id
        events.publish(.sessionMessage(SessionMessageEvent(
            agentId: agentId, hasActiveRun: hasActiveRun, message: Gateway.chatMessage(message),
            messageId: message.id.map(String.init) ?? UUID().uuidString.lowercased(), messageSeq: max(1, count),
            sessionKey: message.sessionKey)))
        events.publish(.sessionsChanged(payload(key: message.sessionKey, reason: .message, record: record, hasActiveRun: hasActiveRun)))
    }

    private func payload(key: String, reason: SessionsChangedEvent.Reason, record: SessionRecord?, hasActiveRun: Bool) -> SessionsChangedEvent {
        let now = Int(Date().timeIntervalSince1970 * 1000)
        guard let record else {
            return SessionsChangedEvent(agentId: Self.agentId(of: key), reason: reason, sessionKey: key, ts: now)
        }
        let total = record.inputTokens.flatMap { input in record.outputTokens.map { input + $0 } }
        return SessionsChangedEvent(
            abortedLastRun: record.abortedLastRun, agentId: record.agentId, displayName: record.displayName,
            hasActiveRun: hasActiveRun, inputTokens: record.inputTokens, kind: Gateway.kind(of: record.key).rawValue,
            label: record.label, model: record.model ?? settings.agent.model, modelProvider: "ollama",
            outputTokens: record.outputTokens, reason: reason, sessionId: record.sessionId, sessionKey: record.key,
            thinkingLevel: record.settings["thinkingLevel"], totalTokens: total, ts: now, updatedAt: Int(record.updatedAt))
    }

    /// `agent:<id>:…` → `<id>`.
    static func agentId(of key: String) -> String? {
        let parts = key.split(separator: ":", maxSplits: 2)
        return parts.count == 3 && parts[0] == "agent" ? String(parts[1]) : nil
    }
}

import Foundation
import GeneratedProtocol

/// `sessions.create`, `sessions.reset`, `sessions.preview`.
extension Gateway {
    public func sessionsCreate(_ params: SessionsCreateParams, context: CallerContext) async throws -> SessionsCreateResult {
        let agent = try params.agentId.map(configuredAgent) ?? settings.agent.id
        let key = try canonicalKey(params.key ?? "agent:\(agent):dashboard:\(UUID().uuidString.lowercased())", agentId: params.agentId)
        let now = Self.nowMs()
        var record = SessionRecord(
            key: key.description, sessionId: UUID().uuidString.lowercased(), agentId: key.agentId, createdAt: now, updatedAt: now)
        if let label = params.label?.trimmingCharacters(in: .whitespacesAndNewlines) {
            guard !label.isEmpty else { throw GatewayError.invalidRequest("invalid label (use 1-64 characters)") }
            record.label = label
        }
        if let model = params.model { record.model = try await resolveModel(model) }
        if let parent = params.parentSessionKey { record.spawnedBy = try canonicalKey(parent).description }
        try await storeCall {
            guard try await store.session(key: key.description) == nil else {
                throw GatewayError.invalidRequest("session already exists: \(key.description)")
            }
            try await store.saveSession(record)
        }
        sessionEvents.changed(key.description, reason: .create, record: record)
        var result = SessionsCreateResult(entry: sessionEntry(record), key: key.description, ok: true, sessionId: record.sessionId)
        let first = (params.task ?? params.message)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !first.isEmpty {
            let runId = UUID().uuidString.lowercased()
            _ = try await chat.start(
                ChatSendParams(idempotencyKey: runId, message: Self.sanitized(first), sessionKey: key.description),
                key: key, context: context)
            result.runStarted = true
            result.runId = runId
        }
        return result
    }

    public func sessionsReset(_ params: SessionsResetParams, context: CallerContext) async throws -> SessionsResetResult {
        let key = try canonicalKey(params.key, agentId: params.agentId)
        let record = try await reset(key, reason: params.reason ?? .reset)
        return SessionsResetResult(entry: sessionEntry(record), key: key.description, ok: true)
    }

    /// Aborts the session's runs, then gives it a new `sessionId` and an empty transcript,
    /// keeping its label and overrides (`sessions.reset`, `/new`, `/reset`).
    @discardableResult
    func reset(_ key: SessionKey, reason: SessionsResetParams.Reason) async throws -> SessionRecord {
        _ = try await chat.abort(sessionKey: key.description, runId: nil, requester: nil, reason: .rpc)
        let now = Self.nowMs()
        let existing = try await storeCall { try await store.session(key: key.description) }
        guard var record = existing ?? (key.description == settings.mainSessionKey
            ? SessionRecord(key: key.description, sessionId: "", agentId: key.agentId, createdAt: now, updatedAt: now) : nil)
        else {
            throw GatewayError.invalidRequest("session not found: \(key.description)")
        }
        record.sessionId = UUID().uuidString.lowercased()
        record.abortedLastRun = false
        record.inputTokens = nil
        record.outputTokens = nil
        record.updatedAt = max(now, record.updatedAt)
        try await storeCall { try await store.resetSession(record) }
        logger.info("session reset", metadata: ["key": "\(key.description)", "reason": "\(reason.rawValue)"])
        sessionEvents.changed(key.description, reason: .reset, record: record)
        return record
    }

    public func sessionsPreview(_ params: SessionsPreviewParams, context: CallerContext) async throws -> SessionsPreviewResult {
        let limit = min(max(params.limit ?? 12, 1), 50)
        let maxChars = min(max(params.maxChars ?? 240, 20), 4000)
        var previews: [SessionsPreviewResult.PreviewsItem] = []
        for raw in params.keys {
            guard let key = try? canonicalKey(raw) else {
                previews.append(.init(items: [], key: raw, status: .error))
                continue
            }
            guard try await storeCall({ try await store.session(key: key.description) }) != nil else {
                previews.append(.init(items: [], key: raw, status: .missing))
                continue
            }
            let messages = try await storeCall { try await store.messages(sessionKey: key.description, limit: limit) }
            let items = messages.compactMap { message in
                Self.preview(message, limit: maxChars).map { SessionsPreviewResult.PreviewsItem.ItemsItem(role: message.role, text: $0) }
            }
            previews.append(.init(items: items, key: raw, status: items.isEmpty ? .empty : .ok))
        }
        return SessionsPreviewResult(previews: previews, ts: Int(Self.nowMs()))
    }
}

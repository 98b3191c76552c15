import Foundation
import GeneratedProtocol

extension Gateway {
    /// Values OpenClaw accepts for the string overrides of `sessions.patch`; nil: any string.
    static let settingValues: [String: [String]?] = [
        "thinkingLevel": ["off", "minimal", "low", "medium", "high", "xhigh", "adaptive"],
        "verboseLevel": ["on", "off", "full"],
        "reasoningLevel": ["on", "off", "stream"],
        "elevatedLevel": ["on", "off", "ask", "full"],
        "execHost": ["sandbox", "gateway", "node"],
        "execSecurity": ["deny", "allowlist", "full"],
        "execAsk": ["off", "on-miss", "always"],
        "execNode": nil,
        "responseUsage": ["off", "tokens", "full", "on"],
        "sendPolicy": ["allow", "deny"],
        "groupActivation": ["mention", "always"],
    ]

    public func sessionsList(_ params: SessionsListParams, context: CallerContext) async throws -> SessionsListResult {
        let now = Self.nowMs()
        if let agentId = params.agentId, params.configuredAgentsOnly == true { try configuredAgent(agentId) }
        let limit = params.limit.map { ClientNumber.clamped($0, to: 1...ClientNumber.int32Max - 1) }
        let offset = params.offset.map { ClientNumber.clamped($0, to: 0...ClientNumber.int32Max) }
        var query = SessionQuery()
        // One more than asked for tells whether another page follows.
        query.limit = limit.map { $0 + 1 }
        query.offset = offset
        query.updatedSince = params.activeMinutes.map { now - Int64(ClientNumber.clamped($0, to: 1...ClientNumber.int32Max)) * 60_000 }
        query.label = params.label
        query.agentId = params.agentId.flatMap(SessionKey.normalizedAgentId)
        query.spawnedBy = params.spawnedBy
        query.search = params.search.flatMap { $0.isEmpty ? nil : $0 }
        query.includeGlobal = params.includeGlobal ?? false
        query.includeUnknown = params.includeUnknown ?? false
        if params.configuredAgentsOnly == true, query.agentId == nil { query.agentId = settings.agent.id }
        var records = try await storeCall { try await store.sessions(matching: query) }
        let hasMore = limit.map { records.count > $0 } ?? false
        if let limit, hasMore { records.removeLast(records.count - limit) }
        let active = await chat.sessionsWithActiveRuns()
        var rows: [SessionRow] = []
        for record in records {
            var row = sessionRow(record)
            row.hasActiveRun = active.contains(record.key)
            if params.includeDerivedTitles == true, let first = try await storeCall({ try await store.firstMessage(sessionKey: record.key, role: "user") }) {
                row.derivedTitle = Self.preview(first, limit: 60)
            }
            if params.includeLastMessage == true, let last = try await storeCall({ try await store.lastMessage(sessionKey: record.key) }) {
                row.lastMessagePreview = Self.preview(last, limit: 120)
            }
            rows.append(row)
        }
        return SessionsListResult(
            count: rows.count,
            defaults: .init(
                contextTokens: settings.generation.numCtx.map { .value($0) } ?? .null,
                model: .value(providers.reference(settings.agent.model).model),
                modelProvider: .value(providers.reference(settings.agent.model).provider)),
            hasMore: hasMore, nextOffset: hasMore ? (offset ?? 0) + rows.count : nil,
            path: settings.storePath, sessions: rows, ts: Int(now))
    }

    public func sessionsPatch(_ params: SessionsPatchParams, context: CallerContext) async throws -> SessionsPatchResult {
        try refuseWebchatWrites(context, action: "patch sessions")
        let key = try canonicalKey(params.key, agentId: params.agentId)
        let now = Self.nowMs()
        var record = try await storeCall { try await store.session(key: key.description) }
            ?? SessionRecord(key: key.description, sessionId: UUID().uuidString.lowercased(), agentId: key.agentId, createdAt: now, updatedAt: now)

        if let label = params.label {
            switch label {
            case .null: record.label = nil
            case .value(let text):
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { throw GatewayError.invalidRequest("invalid label (use 1-64 characters)") }
                record.label = trimmed
            }
        }
        let strings: [(String, Nullable<String>?)] = [
            ("thinkingLevel", params.thinkingLevel), ("verboseLevel", params.verboseLevel),
            ("reasoningLevel", params.reasoningLevel), ("elevatedLevel", params.elevatedLevel),
            ("execHost", params.execHost), ("execSecurity", params.execSecurity), ("execAsk", params.execAsk),
            ("execNode", params.execNode),
            ("responseUsage", params.responseUsage.map { $0.map(\.rawValue) }),
            ("sendPolicy", params.sendPolicy.map { $0.map(\.rawValue) }),
            ("groupActivation", params.groupActivation.map { $0.map(\.rawValue) }),
        ]
        for (field, change) in strings {
            guard let change else { continue }
            switch change {
            case .null: record.settings[field] = nil
            case .value(let value):
                let normalized = value.lowercased()
                if let allowed = Self.settingValues[field] ?? nil, !allowed.contains(normalized) {
                    throw GatewayError.invalidRequest("invalid \(field) (use \(allowed.joined(separator: "|")))")
                }
                record.settings[field] = field == "execNode" ? value : normalized
            }
        }
        if let model = params.model {
            switch model {
            case .null: record.model = nil
            case .value(let requested): record.model = try await resolveModel(requested)
            }
        }
        try applyLineage(params, key: key, to: &record)
        record.updatedAt = max(now, record.updatedAt)
        try await storeCall { try await store.saveSession(record) }
        sessionEvents.changed(record.key, reason: .patch, record: record, hasActiveRun: await chat.hasActiveRun(sessionKey: record.key))
        return SessionsPatchResult(
            entry: sessionEntry(record), key: record.key, ok: true, path: settings.storePath,
            resolved: .init(
                model: providers.reference(record.model ?? settings.agent.model).model,
                modelProvider: providers.reference(record.model ?? settings.agent.model).provider))
    }

    public func sessionsDelete(_ params: SessionsDeleteParams, context: CallerContext) async throws -> SessionsDeleteResult {
        try refuseWebchatWrites(context, action: "delete sessions")
        let key = try canonicalKey(params.key, agentId: params.agentId)
        guard key.description != settings.mainSessionKey else {
            throw GatewayError.invalidRequest("Cannot delete the main session (\(settings.mainSessionKey)).")
        }
        _ = try await chat.abort(sessionKey: key.description, runId: nil, requester: nil, reason: .rpc)
        let deleted = try await storeCall {
            try await store.deleteSession(key: key.description, deleteTranscript: params.deleteTranscript ?? true)
        }
        if deleted { sessionEvents.changed(key.description, reason: .delete, record: nil) }
        return SessionsDeleteResult(archived: [], deleted: deleted, key: key.description, ok: true)
    }

    // MARK: Helpers

    /// OpenClaw lets only its own Control UI, among webchat-mode clients, change sessions.
    private func refuseWebchatWrites(_ context: CallerContext, action: String) throws {
        if context.clientMode == "webchat", context.clientId != "openclaw-control-ui" {
            throw GatewayError.invalidRequest("webchat clients cannot \(action); use chat.send for session-scoped updates")
        }
    }

    /// `provider/model` or a bare (Ollama) model name, checked against its provider's catalog;
    /// stored as ``ModelReference/stored`` (bare for Ollama, as before providers existed).
    func resolveModel(_ requested: String) async throws -> String {
        let reference = providers.reference(requested)
        let available: [ModelSummary]
        do {
            available = try await providers.models(ofProvider: reference.provider)
        } catch let error as ModelBackendError {
            throw GatewayError.modelCatalog(error)
        }
        guard available.contains(where: { $0.name == reference.model }) else {
            let names = available.map { ModelReference(provider: reference.provider, model: $0.name).stored }.sorted()
            throw GatewayError.invalidRequest("invalid model (use one of: \(names.prefix(20).joined(separator: ", ")))")
        }
        return reference.stored
    }

    private func applyLineage(_ params: SessionsPatchParams, key: SessionKey, to record: inout SessionRecord) throws {
        guard params.spawnedBy != nil || params.spawnDepth != nil else { return }
        guard key.rest.hasPrefix("subagent:") || key.rest.hasPrefix("acp:") else {
            throw GatewayError.invalidRequest("spawnedBy and spawnDepth are only valid for subagent: and acp: session keys")
        }
        if let spawnedBy = params.spawnedBy {
            let value = spawnedBy.wrapped
            if let existing = record.spawnedBy, existing != value {
                throw GatewayError.invalidRequest("spawnedBy cannot change once set")
            }
            record.spawnedBy = value
        }
        if let depth = params.spawnDepth {
            let value = depth.wrapped
            if let existing = record.spawnDepth, existing != value {
                throw GatewayError.invalidRequest("spawnDepth cannot change once set")
            }
            record.spawnDepth = value
        }
    }

    func sessionRow(_ record: SessionRecord) -> SessionRow {
        let total = record.inputTokens.flatMap { input in record.outputTokens.map { input + $0 } }
        return SessionRow(
            abortedLastRun: record.abortedLastRun, displayName: record.displayName,
            elevatedLevel: record.settings["elevatedLevel"], inputTokens: record.inputTokens, key: record.key,
            kind: Self.kind(of: record.key), label: record.label,
            model: providers.reference(record.model ?? settings.agent.model).model,
            modelProvider: providers.reference(record.model ?? settings.agent.model).provider, outputTokens: record.outputTokens, reasoningLevel: record.settings["reasoningLevel"],
            responseUsage: record.settings["responseUsage"], sendPolicy: record.settings["sendPolicy"],
            sessionId: record.sessionId, spawnedBy: record.spawnedBy, thinkingLevel: record.settings["thinkingLevel"],
            totalTokens: total, totalTokensFresh: total != nil, updatedAt: .value(Int(record.updatedAt)),
            verboseLevel: record.settings["verboseLevel"])
    }

    func sessionEntry(_ record: SessionRecord) -> SessionEntry {
        SessionEntry(
            abortedLastRun: record.abortedLastRun, displayName: record.displayName,
            elevatedLevel: record.settings["elevatedLevel"], execAsk: record.settings["execAsk"],
            execHost: record.settings["execHost"], execNode: record.settings["execNode"],
            execSecurity: record.settings["execSecurity"], groupActivation: record.settings["groupActivation"],
            inputTokens: record.inputTokens, label: record.label, model: record.model.map { providers.reference($0).model },
            modelProvider: record.model.map { providers.reference($0).provider }, outputTokens: record.outputTokens,
            reasoningLevel: record.settings["reasoningLevel"], responseUsage: record.settings["responseUsage"],
            sendPolicy: record.settings["sendPolicy"], sessionId: record.sessionId, spawnDepth: record.spawnDepth,
            spawnedBy: record.spawnedBy, thinkingLevel: record.settings["thinkingLevel"], updatedAt: Int(record.updatedAt),
            verboseLevel: record.settings["verboseLevel"])
    }

    static func kind(of key: String) -> SessionRow.Kind {
        switch key {
        case "global": SessionRow.Kind(rawValue: "global")
        case "unknown": SessionRow.Kind(rawValue: "unknown")
        default: key.contains(":group:") ? SessionRow.Kind(rawValue: "group") : SessionRow.Kind(rawValue: "direct")
        }
    }

    /// The text of a stored message, cut to `limit` characters for titles and previews.
    static func preview(_ message: StoredMessage, limit: Int) -> String? {
        let text = message.content.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
            .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}

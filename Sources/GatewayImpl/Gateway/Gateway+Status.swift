import GeneratedProtocol

extension Gateway {
    public func health(_ params: HealthParams, context: CallerContext) async throws -> HealthSummary {
        try await health.summary(probe: params.probe ?? false)
    }

    public func status(_ params: StatusParams, context: CallerContext) async throws -> StatusSummary {
        let agent = settings.agent
        let count = try await storeCall { try await store.sessionCount() }
        let recentRecords = try await storeCall { try await store.sessions(matching: SessionQuery(limit: 10)) }
        let now = Int(Self.nowMs())
        let contextTokens: Nullable<Int> = settings.generation.numCtx.map { .value($0) } ?? .null
        let recent = recentRecords.map { record in
            let total = record.inputTokens.flatMap { input in record.outputTokens.map { input + $0 } }
            return SessionStatus(
                abortedLastRun: record.abortedLastRun, age: .value(max(0, now - Int(record.updatedAt))), agentId: record.agentId,
                contextTokens: contextTokens, flags: [], inputTokens: record.inputTokens, key: record.key,
                kind: .init(rawValue: Self.kind(of: record.key).rawValue), model: .value(record.model ?? agent.model),
                outputTokens: record.outputTokens,
                percentUsed: total.flatMap { used in settings.generation.numCtx.map { .value(Double(used) * 100 / Double($0)) } } ?? .null,
                remainingTokens: total.flatMap { used in settings.generation.numCtx.map { .value(max(0, $0 - used)) } } ?? .null,
                sessionId: context.isAdmin ? record.sessionId : nil, thinkingLevel: record.settings["thinkingLevel"],
                totalTokens: total.map { .value($0) } ?? .null, totalTokensFresh: total != nil,
                updatedAt: .value(Int(record.updatedAt)), verboseLevel: record.settings["verboseLevel"])
        }
        let runtime = runtimeStatus()
        let backendStatus = await providers.chainStatus(agent.modelChain)
        var gateway: [String: JSONValue] = [
            "version": .string(settings.serviceVersion), "uptimeMs": .integer(runtime.uptimeMs),
            "connections": .integer(runtime.connections), "sessions": .integer(count),
            "activeRuns": .integer(await chat.activeRunCount()),
            "backend": [
                "reachable": .bool(backendStatus.reachable), "model": .string(agent.model),
                "modelPresent": .bool(backendStatus.modelPresent),
                "fallbacks": .array(agent.fallbacks.map { .string($0) }),
            ],
        ]
        if context.isAdmin {
            // Where things live is only for administrators.
            gateway["backendUrl"] = .string(settings.backendURL)
            gateway["dataDir"] = .string(settings.dataDirectory)
            gateway["providers"] = .array(providers.statuses().map { status in
                [
                    "name": .string(status.name), "api": .string(status.api.rawValue), "keyState": .string(status.keyState.rawValue),
                    "host": .string(status.baseURLHost), "usedByAgent": .bool(status.usedByAgent),
                ]
            })
        }
        if let detail = backendStatus.detail { gateway["backendDetail"] = .string(detail) }
        return StatusSummary(
            channelSummary: [],
            heartbeat: .init(
                agents: [.init(agentId: agent.id, enabled: false, every: "0", everyMs: .null)], defaultAgentId: agent.id),
            queuedSystemEvents: [], runtimeVersion: .value(settings.serviceVersion),
            sessions: .init(
                byAgent: [.init(agentId: agent.id, count: count, path: settings.storePath, recent: recent)],
                count: count, defaults: .init(contextTokens: contextTokens, model: .value(agent.model)),
                paths: [settings.storePath], recent: recent),
            additionalProperties: ["gateway": .object(gateway)])
    }

    public func configGet(_ params: ConfigGetParams, context: CallerContext) async throws -> ConfigGetResult {
        let file = settings.configFile
        let issues = file.issues.map { ConfigIssue(message: $0.message, path: $0.path) }
        let warnings = file.warnings.map { ConfigIssue(message: $0.message, path: $0.path) }
        let effective = settings.effectiveConfig.objectValue ?? [:]
        guard file.isValid else {
            return ConfigGetResult(
                config: [:], exists: file.exists, hash: file.hash, issues: issues, legacyIssues: [], parsed: .null,
                path: file.path ?? settings.defaultConfigPath, raw: .null, resolved: [:], valid: false, warnings: warnings)
        }
        let parsed = file.parsed.map(SecretRedactor.redact) ?? .null
        let raw: Nullable<String>
        if let text = file.raw, let original = file.parsed {
            // A file with secrets is shown re-serialized with the secrets replaced, never as typed.
            raw = .value(SecretRedactor.containsSecrets(original) ? ((try? parsed.encodedData(sortedKeys: true)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") : text)
        } else {
            raw = .null
        }
        return ConfigGetResult(
            config: effective, exists: file.exists, hash: file.hash, issues: issues, legacyIssues: [], parsed: parsed,
            path: file.path ?? settings.defaultConfigPath, raw: raw, resolved: effective, valid: true, warnings: warnings)
    }
}

import Foundation
import GeneratedProtocol

extension Gateway {
    public func chatSend(_ params: ChatSendParams, context: CallerContext) async throws -> ChatSendResult {
        let key = try canonicalKey(params.sessionKey, agentId: params.agentId)
        if params.message.contains("\u{0}") {
            throw GatewayError.invalidRequest("message must not contain null bytes")
        }
        if params.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, (params.attachments ?? []).isEmpty {
            throw GatewayError.invalidRequest("message or attachment required")
        }
        if let session = try await storeCall({ try await store.session(key: key.description) }), session.settings["sendPolicy"] == "deny" {
            throw GatewayError.invalidRequest("send blocked by session policy")
        }
        if params.suppressCommandInterpretation != true, let command = ChatCommand(message: params.message) {
            return try await run(command, key: key, runId: params.idempotencyKey, context: context)
        }
        var cleaned = params
        cleaned.message = Self.sanitized(params.message)
        return try await chat.start(cleaned, key: key, context: context)
    }

    public func chatAbort(_ params: ChatAbortParams, context: CallerContext) async throws -> ChatAbortResult {
        let key = try canonicalKey(params.sessionKey, agentId: params.agentId)
        let result = try await chat.abort(sessionKey: key.description, runId: params.runId, requester: context, reason: .rpc)
        return ChatAbortResult(aborted: result.aborted, ok: true, runIds: result.runIds)
    }

    public func chatHistory(_ params: ChatHistoryParams, context: CallerContext) async throws -> ChatHistoryResult {
        let key = try canonicalKey(params.sessionKey, agentId: params.agentId)
        guard let session = try await storeCall({ try await store.session(key: key.description) }) else {
            return ChatHistoryResult(messages: [], sessionKey: key.description)
        }
        let stored = try await storeCall { try await store.messages(sessionKey: key.description, limit: ClientNumber.clamped(params.limit ?? 200, to: 1...1000)) }
        let maxChars = ClientNumber.clamped(params.maxChars ?? Self.historyTextLimit, to: 1...Self.historyTextLimit)
        var messages = stored.map { Self.chatMessage($0, maxChars: maxChars) }
        // Keep the reply inside what a client buffers: drop the oldest messages first. Each
        // message is measured once, so a long history costs one pass, not one per dropped message.
        let budget = context.maxBufferedBytes / 2
        let sizes = messages.map { ((try? JSONEncoder().encode($0).count) ?? 0) + 1 }
        var total = sizes.reduce(0, +)
        var dropped = 0
        while dropped < messages.count - 1, total > budget {
            total -= sizes[dropped]
            dropped += 1
        }
        messages.removeFirst(dropped)
        return ChatHistoryResult(
            messages: messages, sessionId: session.sessionId, sessionKey: key.description,
            thinkingLevel: session.settings["thinkingLevel"], verboseLevel: session.settings["verboseLevel"])
    }

    public func chatInject(_ params: ChatInjectParams, context: CallerContext) async throws -> ChatInjectResult {
        let key = try canonicalKey(params.sessionKey, agentId: params.agentId)
        let now = Self.nowMs()
        let label = params.label.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let text = (label.isEmpty ? "" : "[\(label)] ") + Self.sanitized(params.message)
        let stored = try await storeCall {
            if try await store.session(key: key.description) == nil {
                try await store.saveSession(SessionRecord(
                    key: key.description, sessionId: UUID().uuidString.lowercased(), agentId: key.agentId, createdAt: now, updatedAt: now))
            }
            return try await store.appendMessage(StoredMessage(
                sessionKey: key.description, role: "assistant", content: [["type": "text", "text": .string(text)]],
                timestamp: now, stopReason: "injected"))
        }
        await sessionEvents.appended(stored, hasActiveRun: await chat.hasActiveRun(sessionKey: key.description))
        return ChatInjectResult(messageId: stored.id.map(String.init) ?? "", ok: true)
    }

    /// Every active provider's models; one that fails is logged and left out, so it never
    /// hides the others. Only when none answers is it UNAVAILABLE.
    public func modelsList(_ params: ModelsListParams, context: CallerContext) async throws -> ModelsListResult {
        let catalog = await providers.catalog()
        for (provider, error) in catalog.failures.sorted(by: { $0.key < $1.key }) {
            logger.notice("a model provider's catalog is unavailable", metadata: ["provider": "\(provider)", "error": "\(error.message)"])
        }
        if params.view != .configured, catalog.models.isEmpty, let failure = catalog.failures[ProviderSettings.ollamaName] ?? catalog.failures.values.first {
            throw GatewayError.modelCatalog(failure, showingReason: true)
        }
        var listed = catalog.models
        if params.view == .configured {
            // What this gateway is configured to use: the agent's model and its fallbacks, in
            // that order (even before a model is pulled or while its provider is down, so a client
            // sees what the agent will ask for).
            listed = settings.agent.modelChain.map(providers.reference).map { reference in
                catalog.models.first { ($0.provider ?? ProviderSettings.ollamaName) == reference.provider && $0.name == reference.model }
                    ?? ModelSummary(name: reference.model, provider: reference.provider)
            }
        }
        return ModelsListResult(models: listed.map { model in
            ModelChoice(
                contextWindow: model.contextLength.flatMap { $0 > 0 ? $0 : nil }, id: model.name, input: [.text],
                name: model.displayName ?? model.name, provider: model.provider ?? ProviderSettings.ollamaName, reasoning: nil)
        })
    }

    public func agentWait(_ params: AgentWaitParams, context: CallerContext) async throws -> AgentWaitResult {
        let timeoutMs = ClientNumber.clamped(params.timeoutMs ?? 30_000, to: 0...ClientNumber.int32Max)
        guard let outcome = try await chat.wait(runId: params.runId, timeout: .milliseconds(timeoutMs)) else {
            // A wait the client cancelled (`cancel` frame, connection gone) did not time out: it is
            // answered as cancelled, not as `status: timeout`.
            try Task.checkCancellation()
            return AgentWaitResult(runId: params.runId, status: .timeout)
        }
        return AgentWaitResult(
            endedAt: Int(outcome.endedAt), error: outcome.error, runId: params.runId, startedAt: Int(outcome.startedAt),
            status: outcome.status)
    }

    public func commandsList(_ params: CommandsListParams, context: CallerContext) async throws -> CommandsListResult {
        if let agentId = params.agentId { try configuredAgent(agentId) }
        // Every Kubeclaw command is a text command: `both` and `text` list them, `native` nothing.
        let commands = params.scope == .native ? [] : ChatCommand.allCases.map { $0.entry(includeArgs: params.includeArgs == true) }
        return CommandsListResult(commands: commands)
    }

    /// Runs a slash command sent as a chat message: an acknowledged run whose `final` says what
    /// was done (nothing goes to the model or the transcript).
    private func run(_ command: ChatCommand, key: SessionKey, runId: String, context: CallerContext) async throws -> ChatSendResult {
        let reply: String
        switch command {
        case .new, .reset:
            try await reset(key, reason: command == .new ? .new : .reset)
            reply = "New session started."
        case .stop:
            let result = try await chat.abort(sessionKey: key.description, runId: nil, requester: context, reason: .rpc)
            reply = result.aborted ? "Stopped \(result.runIds.count) run(s)." : "Nothing to stop."
        }
        return try await chat.answerCommand(runId: runId, sessionKey: key.description, reply: reply)
    }

    /// Longest text of one message `chat.history` returns (OpenClaw's cut).
    static let historyTextLimit = 12_000

    /// OpenClaw's normalization of a typed message: NFC, control characters other than tab,
    /// newline and carriage return removed.
    static func sanitized(_ text: String) -> String {
        let scalars = text.precomposedStringWithCanonicalMapping.unicodeScalars.filter { scalar in
            scalar == "\t" || scalar == "\n" || scalar == "\r" || !(scalar.value < 0x20 || scalar.value == 0x7F)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// A stored message in OpenClaw's transcript shape; texts longer than `maxChars` are cut
    /// like OpenClaw does.
    static func chatMessage(_ message: StoredMessage, maxChars: Int = historyTextLimit) -> ChatMessage {
        let parts = message.content.map { part -> ContentPart in
            var members = part.objectValue ?? [:]
            let type = members.removeValue(forKey: "type")?.stringValue ?? "text"
            var text = members.removeValue(forKey: "text")?.stringValue
            if let full = text, full.count > maxChars { text = String(full.prefix(maxChars)) + "…" }
            return ContentPart(text: text, type: type, additionalProperties: members)
        }
        return ChatMessage(
            content: parts, role: .init(rawValue: message.role), stopReason: message.stopReason,
            timestamp: Int(message.timestamp), usage: message.usage)
    }
}

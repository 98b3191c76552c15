import Foundation
import GeneratedProtocol

extension Gateway {
    public func chatSend(_ params: ChatSendParams, context: CallerContext) async throws -> ChatSendResult {
        let key = try canonicalKey(params.sessionKey)
        if params.message.contains("\u{0}") {
            throw GatewayError.invalidRequest("message must not contain null bytes")
        }
        if params.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, (params.attachments ?? []).isEmpty {
            throw GatewayError.invalidRequest("message or attachment required")
        }
        if let session = try await storeCall({ try await store.session(key: key.description) }), session.settings["sendPolicy"] == "deny" {
            throw GatewayError.invalidRequest("send blocked by session policy")
        }
        var cleaned = params
        cleaned.message = Self.sanitized(params.message)
        return try await chat.start(cleaned, key: key, context: context)
    }

    public func chatAbort(_ params: ChatAbortParams, context: CallerContext) async throws -> ChatAbortResult {
        let key = try canonicalKey(params.sessionKey)
        let result = try await chat.abort(sessionKey: key.description, runId: params.runId, requester: context, reason: .rpc)
        return ChatAbortResult(aborted: result.aborted, ok: true, runIds: result.runIds)
    }

    public func chatHistory(_ params: ChatHistoryParams, context: CallerContext) async throws -> ChatHistoryResult {
        let key = try canonicalKey(params.sessionKey)
        guard let session = try await storeCall({ try await store.session(key: key.description) }) else {
            return ChatHistoryResult(messages: [], sessionKey: key.description)
        }
        let stored = try await storeCall { try await store.messages(sessionKey: key.description, limit: params.limit ?? 200) }
        var messages = stored.map(Self.chatMessage)
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

    /// Every active provider's models; one that fails is logged and left out, so it never
    /// hides the others. Only when none answers is it UNAVAILABLE.
    public func modelsList(_ params: ModelsListParams, context: CallerContext) async throws -> ModelsListResult {
        let catalog = await providers.catalog()
        for (provider, error) in catalog.failures.sorted(by: { $0.key < $1.key }) {
            logger.notice("a model provider's catalog is unavailable", metadata: ["provider": "\(provider)", "error": "\(error.message)"])
        }
        if catalog.models.isEmpty, let failure = catalog.failures[ProviderSettings.ollamaName] ?? catalog.failures.values.first {
            throw GatewayError.unavailable("model catalog unavailable: \(failure.message)", retryAfterMs: 2000)
        }
        return ModelsListResult(models: catalog.models.map { model in
            ModelChoice(
                contextWindow: model.contextLength.flatMap { $0 > 0 ? $0 : nil }, id: model.name, input: [.text],
                name: model.displayName ?? model.name, provider: model.provider ?? ProviderSettings.ollamaName, reasoning: nil)
        })
    }

    /// OpenClaw's normalization of a typed message: NFC, control characters other than tab,
    /// newline and carriage return removed.
    static func sanitized(_ text: String) -> String {
        let scalars = text.precomposedStringWithCanonicalMapping.unicodeScalars.filter { scalar in
            scalar == "\t" || scalar == "\n" || scalar == "\r" || !(scalar.value < 0x20 || scalar.value == 0x7F)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// A stored message in OpenClaw's transcript shape; very long texts are cut like OpenClaw does.
    static func chatMessage(_ message: StoredMessage) -> ChatMessage {
        let parts = message.content.map { part -> ContentPart in
            var members = part.objectValue ?? [:]
            let type = members.removeValue(forKey: "type")?.stringValue ?? "text"
            var text = members.removeValue(forKey: "text")?.stringValue
            if let full = text, full.count > 12_000 { text = String(full.prefix(12_000)) + "…" }
            return ContentPart(text: text, type: type, additionalProperties: members)
        }
        return ChatMessage(
            content: parts, role: .init(rawValue: message.role), stopReason: message.stopReason,
            timestamp: Int(message.timestamp), usage: message.usage)
    }
}

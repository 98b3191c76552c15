import Foundation
import GeneratedProtocol
import Logging

/// The chat runs of the gateway: starts them (idempotently), streams the model's reply as
/// `chat` and `agent` events, aborts them, and persists both sides of the exchange.
///
/// A run outlives the request that started it — the client gets its ack at once — so each run
/// is a task owned here, cancelled by `chat.abort`, a timeout or shutdown. Cancelling the task
/// cancels the HTTP request to the backend, so the model stops generating.
public actor ChatRuns {
    /// Why a run was stopped before the model finished.
    public enum StopReason: String, Sendable {
        /// `chat.abort`.
        case rpc
        /// The run took longer than its timeout.
        case timeout
        /// The gateway is shutting down.
        case shutdown
    }

    private struct ActiveRun {
        var sessionKey: String
        var ownerConnId: String?
        var ownerDeviceId: String?
        var task: Task<Void, Never>
        var stopReason: StopReason?
        /// The outcome is decided (the model finished or the run was stopped); too late to abort.
        var completing = false
    }

    private let settings: GatewaySettings
    private let store: any SessionStore
    private let providers: ModelProviders
    private let events: any GatewayEventSink
    private let observer: (any ChatRunObserver)?
    private let logger: Logger
    private var active: [String: ActiveRun] = [:]
    private var lastPrune: Int64 = 0

    /// Messages of history sent to the model with each new message.
    public static let historyLimit = 200

    init(
        settings: GatewaySettings, store: any SessionStore, providers: ModelProviders, events: any GatewayEventSink,
        observer: (any ChatRunObserver)? = nil, logger: Logger
    ) {
        self.settings = settings
        self.store = store
        self.providers = providers
        self.events = events
        self.observer = observer
        self.logger = logger
    }

    public func activeRunCount() -> Int { active.count }

    /// Starts a run for `params`, or reports the run its idempotency key already started.
    func start(_ params: ChatSendParams, key: SessionKey, context: CallerContext) async throws -> ChatSendResult {
        let runId = params.idempotencyKey
        let now = Gateway.nowMs()
        await forgetExpiredRuns(now: now)
        let run: RunRecord, created: Bool
        do {
            (run, created) = try await store.beginRun(RunRecord(
                idempotencyKey: runId, sessionKey: key.description, status: .running, summary: nil, createdAt: now, updatedAt: now))
        } catch {
            throw GatewayError.unavailable("session store unavailable", retryAfterMs: 1000)
        }
        guard created else { return try Self.replay(run) }

        do {
            var session = try await store.session(key: key.description)
                ?? SessionRecord(key: key.description, sessionId: UUID().uuidString.lowercased(), agentId: key.agentId, createdAt: now, updatedAt: now)
            if session.abortedLastRun {
                session.abortedLastRun = false
            }
            session.updatedAt = max(session.updatedAt, now)
            try await store.saveSession(session)
            let text = Self.userText(params)
            _ = try await store.appendMessage(StoredMessage(
                sessionKey: key.description, role: "user", content: [["type": "text", "text": .string(text)]], timestamp: now, runId: runId))
            let history = try await store.messages(sessionKey: key.description, limit: Self.historyLimit)
            let request = ModelChatRequest(
                model: session.model ?? settings.agent.model,
                messages: [ModelMessage(role: "system", content: settings.agent.systemPrompt)] + history.compactMap(Self.modelMessage),
                options: ModelOptions(
                    numCtx: settings.generation.numCtx, temperature: settings.generation.temperature,
                    keepAlive: settings.generation.keepAlive),
                firstTokenTimeout: settings.firstTokenTimeout, idleTimeout: settings.streamIdleTimeout)
            let timeout = Duration.milliseconds(params.timeoutMs.map { min(max($0 + 60_000, 120_000), 86_400_000) } ?? settings.runTimeoutMs)
            let task = Task { [weak self] in
                await self?.stream(runId: runId, sessionKey: key.description, request: request, timeout: timeout)
                return
            }
            active[runId] = ActiveRun(sessionKey: key.description, ownerConnId: context.connId, ownerDeviceId: context.deviceId, task: task)
        } catch {
            try? await store.finishRun(idempotencyKey: runId, status: .error, summary: "could not start the run", at: Gateway.nowMs())
            throw GatewayError(
                .unavailable, "chat.send failed: could not start the run",
                payload: try? JSONValue(encoding: ChatSendResult(runId: runId, status: .error, summary: "could not start the run")))
        }
        return ChatSendResult(runId: runId, status: .started)
    }

    /// Finished runs are remembered for `idempotencyWindowMs` (OpenClaw: 5 minutes); after that
    /// the same key starts a new run. Pruned at most once a minute, on the way into a new run.
    private func forgetExpiredRuns(now: Int64) async {
        guard now - lastPrune >= 60_000 else { return }
        lastPrune = now
        do {
            try await store.pruneRuns(updatedBefore: now - Int64(settings.idempotencyWindowMs))
        } catch {
            logger.warning("could not prune expired idempotency keys", metadata: ["error": "\(error)"])
        }
    }

    /// Aborts the session's runs (or one of them) that `requester` may abort.
    func abort(sessionKey: String, runId: String?, requester: CallerContext?, reason: StopReason) throws -> (aborted: Bool, runIds: [String]) {
        if let runId {
            guard let run = active[runId], !run.completing else { return (false, []) }
            guard run.sessionKey == sessionKey else { throw GatewayError.invalidRequest("runId does not match sessionKey") }
            guard Self.may(requester, abort: run) else { throw GatewayError.invalidRequest("unauthorized") }
            cancel(runId, reason: reason)
            return (true, [runId])
        }
        let runs = active.filter { $0.value.sessionKey == sessionKey && !$0.value.completing }
        let allowed = runs.filter { Self.may(requester, abort: $0.value) }.map(\.key).sorted()
        if !runs.isEmpty && allowed.isEmpty { throw GatewayError.invalidRequest("unauthorized") }
        for runId in allowed { cancel(runId, reason: reason) }
        return (!allowed.isEmpty, allowed)
    }

    /// Stops every run (shutdown) and waits for them to persist what they have.
    public func stopAll() async {
        let tasks = active.map { runId, run in
            active[runId]?.stopReason = .shutdown
            return run.task
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Runs left `running` by a crash can never finish: mark them aborted at start-up.
    public func recoverInterruptedRuns() async {
        guard let stale = try? await store.runningRuns() else { return }
        for run in stale where active[run.idempotencyKey] == nil {
            try? await store.finishRun(
                idempotencyKey: run.idempotencyKey, status: .aborted, summary: "interrupted by a gateway restart", at: Gateway.nowMs())
        }
    }

    // MARK: The run

    private func cancel(_ runId: String, reason: StopReason) {
        guard active[runId]?.stopReason == nil else { return }
        active[runId]?.stopReason = reason
        active[runId]?.task.cancel()
    }

    /// Decides the run's outcome: from here on an abort can no longer change it (it would
    /// answer `aborted: true` while the client receives `final`).
    private func claimOutcome(of runId: String) -> StopReason? {
        active[runId]?.completing = true
        return active[runId]?.stopReason
    }

    private func finished(_ runId: String) {
        active[runId] = nil
    }

    private func markTimedOut(_ runId: String) {
        cancel(runId, reason: .timeout)
    }

    private nonisolated func stream(runId: String, sessionKey: String, request: ModelChatRequest, timeout: Duration) async {
        let emitter = RunEventEmitter(runId: runId, sessionKey: sessionKey, events: events, observer: observer)
        let outcome: Result<ModelChatCompletion, any Error> = await withTaskGroup(of: Result<ModelChatCompletion, any Error>?.self) { group in
            group.addTask {
                do {
                    // The agent's fallbacks answer when the model fails before its first token.
                    return .success(try await self.providers.chat(request, fallbacks: self.settings.agent.fallbacks) { token in
                        emitter.token(token)
                    })
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // Flush coalesced deltas while the model pauses.
                while !Task.isCancelled {
                    guard (try? await Task.sleep(for: emitter.interval)) != nil else { return nil }
                    emitter.flushIfDue()
                }
                return nil
            }
            group.addTask {
                guard (try? await Task.sleep(for: timeout)) != nil else { return nil }
                await self.markTimedOut(runId)
                return nil
            }
            var result: Result<ModelChatCompletion, any Error> = .failure(CancellationError())
            while let next = await group.next() {
                if let next {
                    result = next
                    break
                }
            }
            group.cancelAll()
            return result
        }
        let reason = await claimOutcome(of: runId)
        // An abort, a timeout or shutdown cancelled this task, and a cancelled task's store
        // calls throw: the outcome is persisted from a task of its own, which is not cancelled.
        await Task {
            await self.finish(runId: runId, sessionKey: sessionKey, outcome: outcome, stopReason: reason, emitter: emitter)
        }.value
        await finished(runId)
    }

    private nonisolated func finish(
        runId: String, sessionKey: String, outcome: Result<ModelChatCompletion, any Error>, stopReason: StopReason?,
        emitter: RunEventEmitter
    ) async {
        let now = Gateway.nowMs()
        let partial = emitter.text
        if let stopReason {
            // Aborted: keep what the model said so far; the client sees the same text.
            var stored = true
            if !partial.isEmpty {
                stored = (try? await store.appendMessage(StoredMessage(
                    sessionKey: sessionKey, role: "assistant", content: [["type": "text", "text": .string(partial)]],
                    timestamp: now, runId: runId, stopReason: "aborted"))) != nil
            }
            if var session = try? await store.session(key: sessionKey) {
                session.abortedLastRun = true
                try? await store.saveSession(session)
            }
            try? await store.finishRun(idempotencyKey: runId, status: .aborted, summary: stopReason.rawValue, at: now)
            if !stored { logger.error("could not persist the partial answer of an aborted run", metadata: ["runId": "\(runId)"]) }
            emitter.aborted(stopReason: stopReason.rawValue, at: Int(now))
            return
        }
        switch outcome {
        case .success(let completion):
            let text = completion.text.isEmpty ? partial : completion.text
            let usage = Self.usage(completion)
            do {
                // Persisted before `final` goes out: the Control UI reloads history on final.
                _ = try await store.appendMessage(StoredMessage(
                    sessionKey: sessionKey, role: "assistant", content: [["type": "text", "text": .string(text)]],
                    timestamp: now, runId: runId, stopReason: "stop", usage: usage))
                if var session = try await store.session(key: sessionKey) {
                    session.inputTokens = completion.promptTokens ?? session.inputTokens
                    session.outputTokens = completion.completionTokens ?? session.outputTokens
                    try await store.saveSession(session)
                }
                try await store.finishRun(idempotencyKey: runId, status: .ok, summary: nil, at: now)
            } catch {
                logger.error("could not persist a completed reply", metadata: ["runId": "\(runId)", "error": "\(error)"])
                try? await store.finishRun(idempotencyKey: runId, status: .error, summary: "reply could not be saved", at: now)
                emitter.error("the reply could not be saved; please retry", at: Int(now))
                return
            }
            emitter.final(
                text: text, stopReason: completion.doneReason ?? "stop", usage: usage, provider: completion.provider,
                model: completion.model, at: Int(now))
        case .failure(let error):
            let message = (error as? ModelBackendError)?.message ?? "model request failed"
            logger.warning("chat run failed", metadata: ["runId": "\(runId)", "error": "\(message)"])
            try? await store.finishRun(idempotencyKey: runId, status: .error, summary: message, at: now)
            emitter.error(message, at: Int(now))
        }
    }

    // MARK: Helpers

    private static func may(_ requester: CallerContext?, abort run: ActiveRun) -> Bool {
        guard let requester else { return true }
        if requester.isAdmin || run.ownerConnId == nil { return true }
        if let device = run.ownerDeviceId, device == requester.deviceId { return true }
        return run.ownerConnId == requester.connId
    }

    private static func replay(_ run: RunRecord) throws -> ChatSendResult {
        switch run.status {
        case .running: return ChatSendResult(runId: run.idempotencyKey, status: .inFlight)
        case .ok, .aborted: return ChatSendResult(runId: run.idempotencyKey, status: .ok)
        case .error:
            let result = ChatSendResult(runId: run.idempotencyKey, status: .error, summary: run.summary)
            throw GatewayError(.unavailable, run.summary ?? "chat run failed", payload: try? JSONValue(encoding: result))
        }
    }

    private static func userText(_ params: ChatSendParams) -> String {
        var text = params.message
        if let thinking = params.thinking, !thinking.isEmpty, !text.hasPrefix("/") {
            text = "/think \(thinking) " + text
        }
        return text
    }

    private static func modelMessage(_ message: StoredMessage) -> ModelMessage? {
        let text = message.content.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        guard !text.isEmpty, ["user", "assistant", "system"].contains(message.role) else { return nil }
        return ModelMessage(role: message.role, content: text)
    }

    private static func usage(_ completion: ModelChatCompletion) -> JSONValue? {
        guard let input = completion.promptTokens, let output = completion.completionTokens else { return nil }
        return ["input": .integer(input), "output": .integer(output), "totalTokens": .integer(input + output)]
    }
}

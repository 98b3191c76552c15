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
        /// The reply reached ``GatewaySettings/maxReplyBytes``; what fits is kept.
        case replySizeCap = "reply_size_cap"
    }

    private struct ActiveRun {
        var sessionKey: String
        /// Who started it, for ``GatewaySettings/maxConcurrentRunsPerClient``.
        var clientKey: String = ""
        var ownerConnId: String?
        var ownerDeviceId: String?
        var task: Task<Void, Never>
        var emitter: RunEventEmitter
        var startedAt: Int64
        var stopReason: StopReason?
        /// The outcome is decided (the model finished or the run was stopped); too late to abort.
        var completing = false
        /// `abort` persisted and announced the outcome itself; the run's task only cleans up.
        var settledByAbort = false
    }

    /// What a run's own task does once the model's stream is over.
    private enum Claim {
        /// Finish the run: persist and announce its outcome (`stopReason` when it was stopped).
        case finish(stopReason: StopReason?)
        /// `abort` already did.
        case settled
    }

    private let settings: GatewaySettings
    private let store: any SessionStore
    private let providers: ModelProviders
    private let events: any GatewayEventSink
    private let observer: (any ChatRunObserver)?
    private let sessionEvents: SessionEvents
    private let logger: Logger
    private var active: [String: ActiveRun] = [:]
    /// Runs admitted by the concurrency limits but not yet in ``active`` (`start` awaits the
    /// store in between): they count against the limits, so two sends cannot both slip in.
    private var starting: [String: (sessionKey: String, clientKey: String)] = [:]
    private var lastPrune: Int64 = 0
    /// `agent.wait`ers.
    let completions = RunCompletions()
    /// `chat.abort` for runs of other replicas (a shared store with a relay); nil alone.
    private let remoteAborts: RemoteAborts?

    /// Messages of history sent to the model with each new message.
    public static let historyLimit = 200

    init(
        settings: GatewaySettings, store: any SessionStore, providers: ModelProviders, events: any GatewayEventSink,
        observer: (any ChatRunObserver)? = nil, relay: (any EventRelay)? = nil, logger: Logger
    ) {
        if let relay, let leases = settings.runLeases {
            remoteAborts = RemoteAborts(relay: relay, replicaId: leases.replicaId)
        } else {
            remoteAborts = nil
        }
        self.settings = settings
        self.store = store
        self.providers = providers
        self.events = events
        self.observer = observer
        self.sessionEvents = SessionEvents(settings: settings, store: store, events: events, logger: logger)
        self.logger = logger
    }

    public func activeRunCount() -> Int { active.count }

    /// Whether a run of the session is still streaming.
    public func hasActiveRun(sessionKey: String) -> Bool {
        active.values.contains { $0.sessionKey == sessionKey && !$0.completing }
    }

    /// Keys of the sessions with a streaming run.
    func sessionsWithActiveRuns() -> Set<String> {
        Set(active.values.filter { !$0.completing }.map(\.sessionKey))
    }

    /// Starts a run for `params`, or reports the run its idempotency key already started.
    func start(_ params: ChatSendParams, key: SessionKey, context: CallerContext) async throws -> ChatSendResult {
        let runId = params.idempotencyKey
        let clientKey = Self.clientKey(context)
        // A resend of a key whose run is still starting here is in flight: not to the store, where
        // it could overtake the first send's claim and take the run for itself.
        if active[runId] == nil, starting[runId] != nil { return ChatSendResult(runId: runId, status: .inFlight) }
        // A resend of a key whose run is active is answered by the store (in_flight).
        let reserving = active[runId] == nil
        if reserving {
            if let refusal = refusal(sessionKey: key.description, clientKey: clientKey) {
                // A finished run's key still replays its outcome.
                if let stored = try? await store.run(idempotencyKey: runId) { return try await replay(stored, runsHere: false) }
                throw GatewayError.chatRun(refusal)
            }
            starting[runId] = (key.description, clientKey)
        }
        defer { if reserving { starting[runId] = nil } }
        let now = Gateway.nowMs()
        await forgetExpiredRuns(now: now)
        let record = RunRecord(
            idempotencyKey: runId, sessionKey: key.description, status: .running, summary: nil, createdAt: now, updatedAt: now,
            owner: settings.runLeases?.replicaId, heartbeatAt: settings.runLeases.map { _ in now })
        let run: RunRecord, created: Bool
        do {
            if let leases = settings.runLeases {
                // Replicas: one run per session cluster-wide, decided by the store.
                switch try await store.claimRun(record, leaseFreshSince: now - leases.expiryMs) {
                case let .created(claimed): (run, created) = (claimed, true)
                case let .existing(existing): (run, created) = (existing, false)
                case let .busy(other): throw GatewayError.chatRun(.sessionBusy(runId: other.idempotencyKey))
                }
            } else {
                (run, created) = try await store.beginRun(record)
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.store(error)
        }
        guard created else { return try await replay(run, runsHere: !reserving) }

        do {
            var session = try await store.session(key: key.description)
                ?? SessionRecord(key: key.description, sessionId: UUID().uuidString.lowercased(), agentId: key.agentId, createdAt: now, updatedAt: now)
            if session.abortedLastRun {
                session.abortedLastRun = false
            }
            session.updatedAt = max(session.updatedAt, now)
            try await store.saveSession(session)
            let text = Self.userText(params)
            let userMessage = try await store.appendMessage(StoredMessage(
                sessionKey: key.description, role: "user", content: [["type": "text", "text": .string(text)]], timestamp: now, runId: runId))
            let history = try await store.messages(sessionKey: key.description, limit: Self.historyLimit)
            let request = ModelChatRequest(
                model: session.model ?? settings.agent.model,
                messages: [ModelMessage(role: "system", content: settings.agent.systemPrompt)] + history.compactMap(Self.modelMessage),
                options: ModelOptions(
                    numCtx: settings.generation.numCtx, temperature: settings.generation.temperature,
                    keepAlive: settings.generation.keepAlive),
                firstTokenTimeout: settings.firstTokenTimeout, idleTimeout: settings.streamIdleTimeout)
            let timeout = Duration.milliseconds(params.timeoutMs.map { min(max(ClientNumber.clamped($0, to: 0...ClientNumber.int32Max) + 60_000, 120_000), 86_400_000) } ?? settings.runTimeoutMs)
            let emitter = RunEventEmitter(
                runId: runId, sessionKey: key.description, events: events, observer: observer, maxReplyBytes: settings.maxReplyBytes)
            let task = Task { [weak self] in
                await self?.stream(runId: runId, emitter: emitter, request: request, timeout: timeout)
                return
            }
            active[runId] = ActiveRun(
                sessionKey: key.description, clientKey: clientKey, ownerConnId: context.connId, ownerDeviceId: context.deviceId, task: task,
                emitter: emitter, startedAt: now)
            await sessionEvents.appended(userMessage, hasActiveRun: true)
        } catch {
            try? await store.finishRun(idempotencyKey: runId, status: .error, summary: "could not start the run", at: Gateway.nowMs())
            let reason = GatewayError.store(error).message
            throw GatewayError(
                .unavailable, "chat.send failed: could not start the run (\(reason))",
                payload: try? JSONValue(encoding: ChatSendResult(runId: runId, status: .error, summary: "could not start the run")))
        }
        return ChatSendResult(runId: runId, status: .started)
    }

    /// Why a new run of `sessionKey` for `clientKey` may not start now, if it may not: one
    /// streaming run per session, at most ``GatewaySettings/maxConcurrentRunsPerClient`` per client.
    private func refusal(sessionKey: String, clientKey: String) -> ChatRunRefusal? {
        let streaming = active.filter { !$0.value.completing }
        if let busy = streaming.first(where: { $0.value.sessionKey == sessionKey })?.key
            ?? starting.first(where: { $0.value.sessionKey == sessionKey })?.key {
            return .sessionBusy(runId: busy)
        }
        let limit = settings.maxConcurrentRunsPerClient
        guard limit > 0 else { return nil }
        let count = streaming.values.count(where: { $0.clientKey == clientKey }) + starting.values.count(where: { $0.clientKey == clientKey })
        return count >= limit ? .tooManyRuns(limit: limit) : nil
    }

    /// The identity runs are counted under: the device the client proved, else its address.
    /// (Unverified `instanceId`s are not used: a client could mint a fresh one per send.)
    static func clientKey(_ context: CallerContext) -> String {
        if let device = context.deviceId { return "device:\(device)" }
        return "address:\(context.remoteAddress)"
    }

    /// Acknowledges a slash command as a run of its own (idempotent like `chat.send`): lifecycle
    /// `start` and `end`, then a `chat` `final` whose message is `reply`. Nothing is persisted
    /// but the run record.
    func answerCommand(runId: String, sessionKey: String, reply: String) async throws -> ChatSendResult {
        let now = Gateway.nowMs()
        let created: Bool
        let record: RunRecord
        do {
            (record, created) = try await store.beginRun(RunRecord(
                idempotencyKey: runId, sessionKey: sessionKey, status: .running, summary: nil, createdAt: now, updatedAt: now,
                owner: settings.runLeases?.replicaId, heartbeatAt: settings.runLeases.map { _ in now }))
            guard created else { return try await replay(record, runsHere: active[runId] != nil || starting[runId] != nil) }
            try await store.finishRun(idempotencyKey: runId, status: .ok, summary: "command", at: now)
        } catch {
            throw GatewayError.store(error)
        }
        // Not a model run: the run observer (metrics) does not hear of it.
        let emitter = RunEventEmitter(runId: runId, sessionKey: sessionKey, events: events)
        // After the ack, as every run's events are.
        ResponseFollowUps.afterResponse {
            emitter.final(text: reply, stopReason: "stop", usage: nil, at: Int(now))
        }
        completions.complete(runId, .init(status: .ok, error: nil, startedAt: now, endedAt: now))
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
    ///
    /// Each aborted run is settled before this returns: its partial reply is persisted and its
    /// `chat` `aborted` event published. Its `agent` lifecycle `end` follows the response of the
    /// request being dispatched (``ResponseFollowUps``), which is OpenClaw's order: `chat`
    /// aborted → `res` → lifecycle end.
    func abort(sessionKey: String, runId: String?, requester: CallerContext?, reason: StopReason) async throws -> (aborted: Bool, runIds: [String]) {
        let local = try await abortHere(sessionKey: sessionKey, runId: runId, reason: reason) { run in
            Self.may(requester, abort: run)
        }
        guard !local.aborted, reason == .rpc, let remoteAborts else { return local }
        return try await abortElsewhere(sessionKey: sessionKey, runId: runId, requester: requester, via: remoteAborts)
    }

    /// `chat.abort` for runs of the session other replicas stream (their fresh leases say which):
    /// each owner is asked and its answer awaited (``RemoteAborts``).
    private func abortElsewhere(
        sessionKey: String, runId: String?, requester: CallerContext?, via remoteAborts: RemoteAborts
    ) async throws -> (aborted: Bool, runIds: [String]) {
        let now = Gateway.nowMs()
        guard let policy = settings.runLeases else { return (false, []) }
        let running: [RunRecord]
        do {
            running = try await store.runningRuns()
        } catch {
            throw GatewayError.store(error)
        }
        let owners = Set(running.filter { run in
            run.sessionKey == sessionKey && (runId == nil || run.idempotencyKey == runId) && run.owner != policy.replicaId
                && run.heartbeatAt.map { now - $0 < policy.expiryMs } == true
        }.compactMap(\.owner))
        var runIds: [String] = []
        for owner in owners.sorted() {
            guard let reply = await remoteAborts.request(owner: owner, sessionKey: sessionKey, runId: runId, requester: requester) else {
                logger.warning("no answer to a chat.abort sent to another replica", metadata: ["replica": "\(owner)"])
                continue
            }
            if let refusal = reply.refusal { throw GatewayError.invalidRequest(refusal) }
            runIds += reply.runIds
        }
        return (!runIds.isEmpty, runIds.sorted())
    }

    /// Another replica's `chat.abort` for runs this replica streams.
    public func abortForReplica(_ request: RemoteAbortRequest) async -> RemoteAbortReply {
        do {
            let result = try await abortHere(sessionKey: request.sessionKey, runId: request.runId, reason: .rpc) { run in
                Self.may(isAdmin: request.requesterIsAdmin, deviceId: request.requesterDeviceId, connId: nil, abort: run)
            }
            return RemoteAbortReply(requestId: request.requestId, replyTo: request.replyTo, aborted: result.aborted, runIds: result.runIds)
        } catch let error as GatewayError {
            return RemoteAbortReply(requestId: request.requestId, replyTo: request.replyTo, aborted: false, runIds: [], refusal: error.message)
        } catch {
            return RemoteAbortReply(requestId: request.requestId, replyTo: request.replyTo, aborted: false, runIds: [], refusal: "\(error)")
        }
    }

    /// A remote abort's reply came through the relay.
    public func received(_ reply: RemoteAbortReply) {
        remoteAborts?.received(reply)
    }

    /// Aborts the runs of this replica that `runId` / `sessionKey` select and `mayAbort` allows.
    private func abortHere(
        sessionKey: String, runId: String?, reason: StopReason, mayAbort: (ActiveRun) -> Bool
    ) async throws -> (aborted: Bool, runIds: [String]) {
        let selected: [String]
        if let runId {
            guard let run = active[runId], !run.completing else { return (false, []) }
            guard run.sessionKey == sessionKey else { throw GatewayError.invalidRequest("runId does not match sessionKey") }
            guard mayAbort(run) else { throw GatewayError.invalidRequest("unauthorized") }
            selected = [runId]
        } else {
            let runs = active.filter { $0.value.sessionKey == sessionKey && !$0.value.completing }
            selected = runs.filter { mayAbort($0.value) }.map(\.key).sorted()
            if !runs.isEmpty && selected.isEmpty { throw GatewayError.invalidRequest("unauthorized") }
        }
        var claimed: [(runId: String, run: ActiveRun)] = []
        for runId in selected {
            guard var run = active[runId], !run.completing else { continue }
            run.stopReason = reason
            run.completing = true
            run.settledByAbort = true
            active[runId] = run
            run.task.cancel()
            claimed.append((runId, run))
        }
        for (runId, run) in claimed {
            // Settled from a task of its own: a cancelled request must not cut the store writes short.
            await Task { await self.settleAborted(runId: runId, run: run, reason: reason) }.value
            let emitter = run.emitter
            ResponseFollowUps.afterResponse { emitter.abortEnded(stopReason: reason.rawValue) }
        }
        return (!claimed.isEmpty, claimed.map(\.runId))
    }

    /// Waits until the run ends or `timeout` passes (`agent.wait`); nil when it did not end in time
    /// (or is unknown).
    func wait(runId: String, timeout: Duration) async throws -> RunCompletions.Outcome? {
        let waiter = completions.waiter(for: runId)
        // The store is read even for a run still in `active`: a run's outcome is recorded and its
        // waiters told a moment before it leaves `active`, so a wait arriving in between would
        // otherwise miss it and time out (seen: `agent.wait` right after `final` answered timeout).
        // The waiter is registered first, so an outcome recorded after this read still reaches it.
        let stored: RunRecord?
        do {
            stored = try await store.run(idempotencyKey: runId)
        } catch {
            waiter.cancel()
            throw GatewayError.store(error)
        }
        if let stored, let outcome = Self.outcome(of: stored) {
            waiter.cancel()
            return outcome
        }
        // Still running (or unknown): the wait decides.
        return await waiter.outcome(within: timeout)
    }

    private static func outcome(of run: RunRecord) -> RunCompletions.Outcome? {
        switch run.status {
        case .running: nil
        case .ok, .aborted: .init(status: .ok, error: nil, startedAt: run.createdAt, endedAt: run.updatedAt)
        case .error: .init(status: .error, error: run.summary ?? "chat run failed", startedAt: run.createdAt, endedAt: run.updatedAt)
        }
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

    /// What a run left `running` by a crash is recorded with at the next start-up.
    public static let interruptedSummary = "interrupted: the gateway stopped before the run finished"

    /// Runs left `running` by a crash (`kill -9`, OOM, power loss) can never finish: at start-up
    /// they are recorded as failed (``RunStatus/error``, ``interruptedSummary``), so `agent.wait`
    /// answers `error` and a resend of the key gets `UNAVAILABLE` with that summary instead of
    /// `in_flight` forever. Their sessions are marked `abortedLastRun`. The client never got
    /// their `final`, and nothing of their reply was stored (only a completed reply or a
    /// graceful stop's partial one is). Returns how many were marked.
    @discardableResult
    public func recoverInterruptedRuns() async -> Int {
        let stale: [RunRecord]
        do {
            stale = try await store.runningRuns()
        } catch {
            logger.error("could not read runs left running by the last process", metadata: ["error": "\(error)"])
            return 0
        }
        var marked = 0
        var sessions: Set<String> = []
        for run in stale where active[run.idempotencyKey] == nil {
            do {
                try await store.finishRun(
                    idempotencyKey: run.idempotencyKey, status: .error, summary: Self.interruptedSummary, at: Gateway.nowMs())
                marked += 1
                sessions.insert(run.sessionKey)
            } catch {
                logger.error("could not mark an interrupted run failed", metadata: ["runId": "\(run.idempotencyKey)", "error": "\(error)"])
            }
        }
        await markAbortedLastRun(sessions)
        if marked > 0 {
            logger.warning("marked runs interrupted by the last process as failed", metadata: ["runs": "\(marked)"])
        }
        return marked
    }

    /// What a run whose replica stopped renewing its lease is recorded with.
    public static let lostReplicaSummary = "interrupted: the gateway replica running it stopped"

    /// Another replica's run ended (its terminal `chat` event came through the relay): this
    /// replica's `agent.wait`ers for it get the outcome the store now holds.
    public func runEndedElsewhere(_ runId: String) async {
        guard active[runId] == nil, completions.count > 0 else { return }
        guard let run = try? await store.run(idempotencyKey: runId), let outcome = Self.outcome(of: run) else { return }
        completions.complete(runId, outcome)
    }

    /// One round of ``RunLeaseKeeper``: renews the leases of this replica's runs, then records
    /// every run whose lease expired as failed (``lostReplicaSummary``), marks its session
    /// `abortedLastRun` and announces the failure (`agent` lifecycle `error`, `chat` `error`).
    /// Each expired run is returned by the store to one replica only, so announced once.
    /// Returns the runs it expired.
    @discardableResult
    func keepLeases(_ policy: RunLeasePolicy, now: Int64? = nil) async -> [RunRecord] {
        let now = now ?? Gateway.nowMs()
        let streaming = Array(active.keys) + Array(starting.keys)
        if !streaming.isEmpty {
            do {
                _ = try await store.renewRunLeases(owner: policy.replicaId, runIds: streaming, at: now)
            } catch {
                // Not renewed, so this replica's own runs may look expired: no expiry this round
                // (another replica's keeper, or the next round, does it).
                logger.error("could not renew run leases", metadata: ["error": "\(error)"])
                return []
            }
        }
        let expired = await expireLostRuns(policy, now: now)
        await answerWaitsForRunsElsewhere()
        return expired
    }

    /// `agent.wait`ers here for runs of other replicas hear of the end through the relayed
    /// terminal `chat` event; should that event be lost (a listener reconnecting), each round
    /// of the lease keeper reads their runs from the store.
    private func answerWaitsForRunsElsewhere() async {
        for runId in completions.waitedRunIds where active[runId] == nil && starting[runId] == nil {
            if let run = try? await store.run(idempotencyKey: runId), let outcome = Self.outcome(of: run) {
                completions.complete(runId, outcome)
            }
        }
    }

    /// Records every run whose lease expired as failed, announces it and tells the `agent.wait`ers
    /// here; the store hands each such run to one caller only.
    @discardableResult
    private func expireLostRuns(_ policy: RunLeasePolicy, now: Int64) async -> [RunRecord] {
        let expired: [RunRecord]
        do {
            expired = try await store.expireRunLeases(
                heartbeatBefore: now - policy.expiryMs, summary: Self.lostReplicaSummary, at: now)
        } catch {
            logger.error("could not expire run leases", metadata: ["error": "\(error)"])
            return []
        }
        guard !expired.isEmpty else { return [] }
        await markAbortedLastRun(Set(expired.map(\.sessionKey)))
        // Its watchers, on every replica (the events are relayed), and the `agent.wait`ers here
        // hear now, not at their timeout.
        for run in expired {
            RunEventEmitter.lostRun(runId: run.idempotencyKey, sessionKey: run.sessionKey, message: Self.lostReplicaSummary, events: events)
            if let outcome = Self.outcome(of: run) { completions.complete(run.idempotencyKey, outcome) }
        }
        logger.warning(
            "recorded runs of a lost replica as failed",
            metadata: ["runs": "\(expired.count)", "replicas": "\(Set(expired.compactMap(\.owner)).sorted())"])
        return expired
    }

    /// Marks the sessions' last run aborted (a crash or a lost replica cut it off).
    private func markAbortedLastRun(_ sessions: Set<String>) async {
        for key in sessions {
            if var session = try? await store.session(key: key), !session.abortedLastRun {
                session.abortedLastRun = true
                try? await store.saveSession(session)
            }
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
    private func claimOutcome(of runId: String) -> Claim {
        guard let run = active[runId] else { return .settled }
        if run.settledByAbort { return .settled }
        active[runId]?.completing = true
        return .finish(stopReason: run.stopReason)
    }

    private func finished(_ runId: String) {
        active[runId] = nil
    }

    private func startedAt(_ runId: String) -> Int64 {
        active[runId]?.startedAt ?? Gateway.nowMs()
    }

    private func markTimedOut(_ runId: String) {
        cancel(runId, reason: .timeout)
    }

    private nonisolated func stream(runId: String, emitter: RunEventEmitter, request: ModelChatRequest, timeout: Duration) async {
        let outcome: Result<ModelChatCompletion, any Error> = await withTaskGroup(of: Result<ModelChatCompletion, any Error>?.self) { group in
            group.addTask {
                do {
                    // The agent's fallbacks answer when the model fails before its first token.
                    return .success(try await self.providers.chat(request, fallbacks: self.settings.agent.fallbacks) { token in
                        // Past the reply-size cap the run is stopped: the model stops generating.
                        if emitter.token(token) { await self.cancel(runId, reason: .replySizeCap) }
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
        switch await claimOutcome(of: runId) {
        case .settled:
            break
        case .finish(let reason):
            // A timeout or shutdown cancelled this task, and a cancelled task's store calls
            // throw: the outcome is persisted from a task of its own, which is not cancelled.
            await Task {
                await self.finish(runId: runId, outcome: outcome, stopReason: reason, emitter: emitter)
            }.value
        }
        await finished(runId)
    }

    /// An aborted run's outcome: the partial reply persisted, the session marked, the run
    /// recorded as aborted, `chat` `aborted` published and `agent.wait`ers told.
    private nonisolated func settleAborted(runId: String, run: ActiveRun, reason: StopReason) async {
        let partial = run.emitter.close()
        let now = Gateway.nowMs()
        var appended: StoredMessage?
        if !partial.isEmpty {
            appended = try? await store.appendMessage(StoredMessage(
                sessionKey: run.sessionKey, role: "assistant", content: [["type": "text", "text": .string(partial)]],
                timestamp: now, runId: runId, stopReason: reason == .replySizeCap ? reason.rawValue : "aborted"))
            if appended == nil {
                logger.error("could not persist the partial answer of an aborted run", metadata: ["runId": "\(runId)"])
            }
        }
        if var session = try? await store.session(key: run.sessionKey) {
            session.abortedLastRun = true
            try? await store.saveSession(session)
        }
        try? await store.finishRun(idempotencyKey: runId, status: .aborted, summary: reason.rawValue, at: now)
        run.emitter.aborted(stopReason: reason.rawValue, at: Int(now))
        completions.complete(runId, .init(status: .ok, error: nil, startedAt: run.startedAt, endedAt: now))
        if let appended { await sessionEvents.appended(appended, hasActiveRun: await hasActiveRun(sessionKey: run.sessionKey)) }
    }

    private nonisolated func finish(
        runId: String, outcome: Result<ModelChatCompletion, any Error>, stopReason: StopReason?, emitter: RunEventEmitter
    ) async {
        let sessionKey = emitter.sessionKey
        let now = Gateway.nowMs()
        let startedAt = await startedAt(runId)
        if let stopReason {
            // Stopped by a timeout or shutdown: what `chat.abort` does, with no response to wait for.
            let run = ActiveRun(
                sessionKey: sessionKey, task: Task {}, emitter: emitter, startedAt: startedAt, stopReason: stopReason)
            await settleAborted(runId: runId, run: run, reason: stopReason)
            emitter.abortEnded(stopReason: stopReason.rawValue)
            return
        }
        let partial = emitter.text
        switch outcome {
        case .success(let completion):
            var text = completion.text.isEmpty ? partial : completion.text
            var stopReason = completion.doneReason ?? "stop"
            if emitter.isCapped || text.utf8.count > settings.maxReplyBytes {
                // The model finished just as the cap was reached: the stored reply is capped too.
                text = RunEventEmitter.prefix(of: text, fittingIn: settings.maxReplyBytes)
                stopReason = StopReason.replySizeCap.rawValue
            }
            let usage = Self.usage(completion)
            let reply: StoredMessage
            do {
                // Persisted before `final` goes out: the Control UI reloads history on final.
                reply = try await store.appendMessage(StoredMessage(
                    sessionKey: sessionKey, role: "assistant", content: [["type": "text", "text": .string(text)]],
                    timestamp: now, runId: runId, stopReason: stopReason == StopReason.replySizeCap.rawValue ? stopReason : "stop",
                    usage: usage))
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
                completions.complete(runId, .init(status: .error, error: "the reply could not be saved", startedAt: startedAt, endedAt: now))
                return
            }
            emitter.final(
                text: text, stopReason: stopReason, usage: usage, provider: completion.provider,
                model: completion.model, at: Int(now))
            completions.complete(runId, .init(status: .ok, error: nil, startedAt: startedAt, endedAt: now))
            await sessionEvents.appended(reply, hasActiveRun: await hasActiveRun(sessionKey: sessionKey))
        case .failure(let error):
            let message = (error as? ModelBackendError)?.message ?? "model request failed"
            logger.warning("chat run failed", metadata: ["runId": "\(runId)", "error": "\(message)"])
            try? await store.finishRun(idempotencyKey: runId, status: .error, summary: message, at: now)
            emitter.error(message, at: Int(now))
            completions.complete(runId, .init(status: .error, error: message, startedAt: startedAt, endedAt: now))
        }
    }

    // MARK: Helpers

    private static func may(_ requester: CallerContext?, abort run: ActiveRun) -> Bool {
        guard let requester else { return true }
        return may(isAdmin: requester.isAdmin, deviceId: requester.deviceId, connId: requester.connId, abort: run)
    }

    /// An admin, the device that started the run, or its connection may abort it (a requester
    /// on another replica has no connection here: `connId` nil).
    private static func may(isAdmin: Bool, deviceId: String?, connId: String?, abort run: ActiveRun) -> Bool {
        if isAdmin || run.ownerConnId == nil { return true }
        if let device = run.ownerDeviceId, device == deviceId { return true }
        return connId != nil && run.ownerConnId == connId
    }

    /// The answer to a resent key: its run's state. A run recorded `running` that this process
    /// does not run — and no other replica holds a fresh lease on — is stale: its outcome could
    /// not be recorded (the disk was full when it ended, or the store failed while it started),
    /// or its replica died. It is recorded failed now (and `agent.wait`ers here told), so the
    /// key answers `error` instead of `in_flight` forever.
    /// `runsHere`: a run of this key is streaming or starting in this process.
    private func replay(_ run: RunRecord, runsHere: Bool) async throws -> ChatSendResult {
        var run = run
        if run.status == .running, !runsHere, !runsOnAnotherReplica(run) {
            if let policy = settings.runLeases, run.owner != nil, run.owner != policy.replicaId {
                // Its replica is gone: failed (and announced) exactly once, by whichever replica's
                // expiry gets to it first — this one now, or a lease keeper.
                await expireLostRuns(policy, now: Gateway.nowMs())
                run = (try? await store.run(idempotencyKey: run.idempotencyKey)) ?? run
            } else {
                run.status = .error
                run.summary = Self.unrecordedSummary
                run.updatedAt = Gateway.nowMs()
                try? await store.finishRun(idempotencyKey: run.idempotencyKey, status: .error, summary: run.summary, at: run.updatedAt)
                if let outcome = Self.outcome(of: run) { completions.complete(run.idempotencyKey, outcome) }
            }
        }
        return try Self.replay(run)
    }

    /// Whether `run` is streamed by another replica whose lease on it is fresh: then it is in
    /// flight, not stale.
    private func runsOnAnotherReplica(_ run: RunRecord) -> Bool {
        guard let policy = settings.runLeases, let owner = run.owner, owner != policy.replicaId,
              let heartbeat = run.heartbeatAt
        else { return false }
        return Gateway.nowMs() - heartbeat < policy.expiryMs
    }

    /// What a stale `running` run is recorded with when its key is resent.
    static let unrecordedSummary = "the run ended but its outcome could not be saved"

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

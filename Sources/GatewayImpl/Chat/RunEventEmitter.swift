import Foundation
import GeneratedProtocol
import Locking

/// Publishes one run's `agent` and `chat` events, numbering them with the run's own `seq`
/// (shared by both kinds, as in OpenClaw) and coalescing deltas.
///
/// Each event is numbered and published while the emitter's lock is held, so the frames of a
/// run leave in `seq` order even when the model's stream, the flush ticker and `chat.abort`
/// emit at the same moment. Once the outcome is decided (``close()``) no further delta goes out.
final class RunEventEmitter: Sendable {
    private struct State {
        var seq = 0
        var started = false
        /// The outcome is decided: deltas are dropped.
        var closed = false
        var firstTokenAt: ContinuousClock.Instant?
        var coalescer: DeltaCoalescer
        /// UTF-8 bytes of the reply so far.
        var replyBytes = 0
        /// The reply reached ``maxReplyBytes``: later tokens are dropped.
        var capped = false
    }

    let runId: String
    let sessionKey: String
    let interval: Duration
    /// Longest reply in UTF-8 bytes; the token that crosses it is cut at a character boundary.
    let maxReplyBytes: Int
    private let events: any GatewayEventSink
    private let observer: (any ChatRunObserver)?
    private let createdAt = ContinuousClock.now
    private let state: Locked<State>

    init(
        runId: String, sessionKey: String, events: any GatewayEventSink, observer: (any ChatRunObserver)? = nil,
        interval: Duration = .milliseconds(150), maxReplyBytes: Int = .max
    ) {
        self.runId = runId
        self.maxReplyBytes = maxReplyBytes
        self.sessionKey = sessionKey
        self.events = events
        self.observer = observer
        self.interval = interval
        self.state = Locked(State(coalescer: DeltaCoalescer(interval: interval)))
    }

    /// Everything the model said so far.
    var text: String { state.withLock { $0.coalescer.text } }

    /// Whether the reply reached ``maxReplyBytes`` (the run is to end with stopReason
    /// ``ChatRuns/StopReason/replySizeCap``).
    var isCapped: Bool { state.withLock { $0.capped } }

    /// A token from the model; sends a delta when the coalescing rule allows. Returns true for
    /// the token that makes the reply reach ``maxReplyBytes`` (only the part that fits is kept;
    /// later tokens are dropped).
    @discardableResult
    func token(_ token: String) -> Bool {
        state.withLock { state in
            let now = ContinuousClock.now
            if state.firstTokenAt == nil { state.firstTokenAt = now }
            guard !state.closed, !state.capped else { return false }
            var piece = token
            var reachedCap = false
            let bytes = token.utf8.count
            if bytes > maxReplyBytes - state.replyBytes {
                piece = Self.prefix(of: token, fittingIn: maxReplyBytes - state.replyBytes)
                state.capped = true
                reachedCap = true
            }
            state.replyBytes += piece.utf8.count
            if let due = state.coalescer.append(piece, at: now) { sendDelta(due, &state) }
            return reachedCap
        }
    }

    /// The longest prefix of `text` of whole characters within `limit` UTF-8 bytes.
    static func prefix(of text: String, fittingIn limit: Int) -> String {
        guard limit > 0 else { return "" }
        guard text.utf8.count > limit else { return text }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard used + size <= limit else { break }
            used += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// Sends pending text once the interval has passed (called by the run's flush ticker).
    func flushIfDue() {
        state.withLock { state in
            guard !state.closed, let due = state.coalescer.flushIfDue(at: .now) else { return }
            sendDelta(due, &state)
        }
    }

    /// Decides the outcome: later tokens are dropped. Returns the text as the client last saw it
    /// plus whatever was still pending (which is not sent as a delta).
    @discardableResult
    func close() -> String {
        state.withLock { state in
            state.closed = true
            return state.coalescer.text
        }
    }

    /// The model finished: pending text, `agent` lifecycle `end`, then `chat` `final`. `provider`
    /// and `model` say which model answered (with fallbacks, not always the agent's primary) and
    /// go on the message as OpenClaw's do.
    func final(
        text: String, stopReason: String, usage: JSONValue?, provider: String? = nil, model: String? = nil, at timestamp: Int
    ) {
        state.withLock { state in
            startIfNeeded(&state)
            if let pending = state.coalescer.flush(at: .now) { sendDelta(pending, &state) }
            state.closed = true
            lifecycle(phase: "end", extra: ["stopReason": .string(stopReason)], &state)
            var message = Self.message(text, timestamp: timestamp)
            if case .object(var members) = message {
                members["stopReason"] = .string(stopReason)
                if let usage { members["usage"] = usage }
                if let provider { members["provider"] = .string(provider) }
                if let model { members["model"] = .string(model) }
                message = .object(members)
            }
            events.publish(.chat(ChatEvent(
                message: message, runId: runId, seq: next(&state), sessionKey: sessionKey, state: .final,
                stopReason: stopReason, usage: usage)))
        }
        report(.final)
    }

    /// The run was stopped: `chat` `aborted` with the partial text. The `agent` lifecycle `end`
    /// is separate (``abortEnded(stopReason:)``) so that `chat.abort` can answer between them.
    func aborted(stopReason: String, at timestamp: Int) {
        state.withLock { state in
            startIfNeeded(&state)
            state.closed = true
            let partial = state.coalescer.text
            events.publish(.chat(ChatEvent(
                message: partial.isEmpty ? nil : Self.message(partial, timestamp: timestamp), runId: runId, seq: next(&state),
                sessionKey: sessionKey, state: .aborted, stopReason: stopReason)))
        }
        report(.aborted)
    }

    /// The `agent` lifecycle `end` of a stopped run.
    func abortEnded(stopReason: String) {
        state.withLock { state in
            lifecycle(phase: "end", extra: ["stopReason": .string(stopReason), "aborted": true], &state)
        }
    }

    /// The run failed: `agent` lifecycle `error`, then `chat` `error`.
    func error(_ message: String, at timestamp: Int) {
        state.withLock { state in
            startIfNeeded(&state)
            state.closed = true
            lifecycle(phase: "error", extra: ["error": .string(message)], &state)
            events.publish(.chat(ChatEvent(
                errorMessage: message, runId: runId, seq: next(&state), sessionKey: sessionKey, state: .error, stopReason: "error")))
        }
        report(.error)
    }

    /// A run whose replica died (its lease expired, ``RunLeasePolicy``) ends for every watcher as
    /// a failed run does: `agent` lifecycle `error`, then `chat` `error`. Its last event number is
    /// unknown here, so these take ``lostRunSeq`` and the next one: above any a run reaches (the
    /// run's sequence need not be contiguous), so clients that order by it see them last.
    static func lostRun(runId: String, sessionKey: String, message: String, events: any GatewayEventSink) {
        events.publish(.agent(AgentEvent(
            data: ["phase": "error", "error": .string(message)], runId: runId, seq: lostRunSeq, sessionKey: sessionKey,
            stream: "lifecycle", ts: nowMs())))
        events.publish(.chat(ChatEvent(
            errorMessage: message, runId: runId, seq: lostRunSeq + 1, sessionKey: sessionKey, state: .error, stopReason: "error")))
    }

    /// The event number of a lost run's `error` (about 2·10⁹: a run sending one event every
    /// millisecond would need three weeks to reach it).
    static let lostRunSeq = 2_000_000_000

    /// Tells the observer how the run ended, timed from this emitter's creation (the run's start).
    private func report(_ outcome: ChatRunReport.Outcome) {
        guard let observer else { return }
        let firstTokenAt = state.withLock { $0.firstTokenAt }
        observer.chatRunEnded(ChatRunReport(
            outcome: outcome, duration: .now - createdAt, timeToFirstToken: firstTokenAt.map { $0 - createdAt }))
    }

    // MARK: Under the lock

    /// Sends `lifecycle` `start` once, just before the run's first other event. Deferring it to
    /// the first token (rather than the moment the run is created) keeps it behind the
    /// `chat.send` ack, which the transport sends as soon as the method returns.
    private func startIfNeeded(_ state: inout State) {
        guard !state.started else { return }
        state.started = true
        lifecycle(phase: "start", extra: [:], &state)
    }

    private func lifecycle(phase: String, extra: [String: JSONValue], _ state: inout State) {
        var data: [String: JSONValue] = ["phase": .string(phase)]
        data.merge(extra) { _, new in new }
        events.publish(.agent(AgentEvent(
            data: data, runId: runId, seq: next(&state), sessionKey: sessionKey, stream: "lifecycle", ts: Self.nowMs())))
    }

    private func sendDelta(_ delta: (text: String, delta: String), _ state: inout State) {
        startIfNeeded(&state)
        let timestamp = Self.nowMs()
        events.publish(.agent(AgentEvent(
            data: ["text": .string(delta.text), "delta": .string(delta.delta)], runId: runId, seq: next(&state),
            sessionKey: sessionKey, stream: "assistant", ts: timestamp)))
        events.publish(.chat(ChatEvent(
            deltaText: delta.delta, message: Self.message(delta.text, timestamp: timestamp), runId: runId, seq: next(&state),
            sessionKey: sessionKey, state: .delta)))
    }

    private func next(_ state: inout State) -> Int {
        state.seq += 1
        return state.seq
    }

    /// An assistant message in OpenClaw's shape.
    static func message(_ text: String, timestamp: Int) -> JSONValue {
        ["role": "assistant", "content": [["type": "text", "text": .string(text)]], "timestamp": .integer(timestamp)]
    }

    static func nowMs() -> Int {
        Int(Date().timeIntervalSince1970 * 1000)
    }
}

import Foundation
import GeneratedProtocol
import Synchronization

/// Publishes one run's `agent` and `chat` events, numbering them with the run's own `seq`
/// (shared by both kinds, as in OpenClaw) and coalescing deltas.
final class RunEventEmitter: Sendable {
    private struct State {
        var seq = 0
        var started = false
        var firstTokenAt: ContinuousClock.Instant?
        var coalescer: DeltaCoalescer
    }

    let runId: String
    let sessionKey: String
    let interval: Duration
    private let events: any GatewayEventSink
    private let observer: (any ChatRunObserver)?
    private let createdAt = ContinuousClock.now
    private let state: Mutex<State>

    init(
        runId: String, sessionKey: String, events: any GatewayEventSink, observer: (any ChatRunObserver)? = nil,
        interval: Duration = .milliseconds(150)
    ) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.events = events
        self.observer = observer
        self.interval = interval
        self.state = Mutex(State(coalescer: DeltaCoalescer(interval: interval)))
    }

    /// Everything the model said so far.
    var text: String { state.withLock { $0.coalescer.text } }

    /// Sends `lifecycle` `start` once, just before the run's first other event. Deferring it to
    /// the first token (rather than the moment the run is created) keeps it behind the
    /// `chat.send` ack, which the transport sends as soon as the method returns.
    private func startIfNeeded() {
        let first = state.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        if first { lifecycle(phase: "start") }
    }

    func lifecycle(phase: String, extra: [String: JSONValue] = [:]) {
        let seq = nextSeq()
        var data: [String: JSONValue] = ["phase": .string(phase)]
        data.merge(extra) { _, new in new }
        events.publish(.agent(AgentEvent(data: data, runId: runId, seq: seq, sessionKey: sessionKey, stream: "lifecycle", ts: Self.nowMs())))
    }

    /// A token from the model; sends a delta when the coalescing rule allows.
    func token(_ token: String) {
        let due = state.withLock { state in
            let now = ContinuousClock.now
            if state.firstTokenAt == nil { state.firstTokenAt = now }
            return state.coalescer.append(token, at: now)
        }
        if let due { sendDelta(due) }
    }

    /// Sends pending text once the interval has passed (called by the run's flush ticker).
    func flushIfDue() {
        let due = state.withLock { $0.coalescer.flushIfDue(at: .now) }
        if let due { sendDelta(due) }
    }

    /// The reply is complete; `provider` and `model` say which model answered (with
    /// fallbacks, not always the agent's primary) and go on the message as OpenClaw's do.
    func final(text: String, stopReason: String, usage: JSONValue?, provider: String? = nil, model: String? = nil, at timestamp: Int) {
        startIfNeeded()
        let pending = state.withLock { $0.coalescer.flush(at: .now) }
        if let pending { sendDelta(pending) }
        lifecycle(phase: "end", extra: ["stopReason": .string(stopReason)])
        var message = Self.message(text, timestamp: timestamp)
        if case .object(var members) = message {
            members["stopReason"] = .string(stopReason)
            if let usage { members["usage"] = usage }
            if let provider { members["provider"] = .string(provider) }
            if let model { members["model"] = .string(model) }
            message = .object(members)
        }
        events.publish(.chat(ChatEvent(
            message: message, runId: runId, seq: nextSeq(), sessionKey: sessionKey, state: .final,
            stopReason: stopReason, usage: usage)))
        report(.final)
    }

    func aborted(stopReason: String, at timestamp: Int) {
        startIfNeeded()
        let partial = text
        lifecycle(phase: "end", extra: ["stopReason": .string(stopReason), "aborted": true])
        events.publish(.chat(ChatEvent(
            message: partial.isEmpty ? nil : Self.message(partial, timestamp: timestamp), runId: runId, seq: nextSeq(),
            sessionKey: sessionKey, state: .aborted, stopReason: stopReason)))
        report(.aborted)
    }

    func error(_ message: String, at timestamp: Int) {
        startIfNeeded()
        lifecycle(phase: "error", extra: ["error": .string(message)])
        events.publish(.chat(ChatEvent(
            errorMessage: message, runId: runId, seq: nextSeq(), sessionKey: sessionKey, state: .error, stopReason: "error")))
        report(.error)
    }

    /// Tells the observer how the run ended, timed from this emitter's creation (the run's start).
    private func report(_ outcome: ChatRunReport.Outcome) {
        guard let observer else { return }
        let firstTokenAt = state.withLock { $0.firstTokenAt }
        observer.chatRunEnded(ChatRunReport(
            outcome: outcome, duration: .now - createdAt, timeToFirstToken: firstTokenAt.map { $0 - createdAt }))
    }

    private func sendDelta(_ delta: (text: String, delta: String)) {
        startIfNeeded()
        let timestamp = Self.nowMs()
        events.publish(.agent(AgentEvent(
            data: ["text": .string(delta.text), "delta": .string(delta.delta)], runId: runId, seq: nextSeq(),
            sessionKey: sessionKey, stream: "assistant", ts: timestamp)))
        events.publish(.chat(ChatEvent(
            deltaText: delta.delta, message: Self.message(delta.text, timestamp: timestamp), runId: runId, seq: nextSeq(),
            sessionKey: sessionKey, state: .delta)))
    }

    private func nextSeq() -> Int {
        state.withLock { state in
            state.seq += 1
            return state.seq
        }
    }

    /// An assistant message in OpenClaw's shape.
    static func message(_ text: String, timestamp: Int) -> JSONValue {
        ["role": "assistant", "content": [["type": "text", "text": .string(text)]], "timestamp": .integer(timestamp)]
    }

    static func nowMs() -> Int {
        Int(Date().timeIntervalSince1970 * 1000)
    }
}

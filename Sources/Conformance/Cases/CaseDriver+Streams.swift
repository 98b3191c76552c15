import Foundation
import GatewayClient
import GeneratedProtocol

/// The chat stream cases: ordering of a run's events, abort during a stream, the history afterwards.
extension CaseDriver {
    /// Starts a run with a fresh idempotency key and `message`; the ack must be `ok`, valid, and
    /// name the run by that key. Returns the run id.
    func startRun(_ run: ConformanceRun, on connection: ObservedConnection, message: String) async throws -> String {
        await subscribeToEverything(on: connection)
        let key = UUID().uuidString.lowercased()
        guard let params = FrameText.params(run.start.params, setting: [run.idempotencyKeyField: .string(key), run.messageField: .string(message)]) else {
            throw CaseVerdict.fail("the `\(run.start.method)` example's params are not an object")
        }
        let response = try await call(connection, run.start.method, params: params)
        guard response.json?["ok"]?.boolValue == true else {
            throw CaseVerdict.fail("`\(run.start.method)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
        try expectValid(response.json?["payload"], schema: run.resultSchema, of: "\(run.start.method) ack", frame: response)
        let runId = response.json?["payload"]?[run.runIdField]?.stringValue
        guard runId == key else {
            throw CaseVerdict.fail("the ack's \(run.runIdField) \(runId.map { "\"\($0)\"" } ?? "is missing and") is not the \(run.idempotencyKeyField) \"\(key)\"", excerpt: FrameText.excerpt(response))
        }
        return key
    }

    /// Asks for every subscription-gated event (`sessions.changed`, `session.message`, …) with the
    /// subscribe method's first spec example, so that the run's events of those kinds are seen and
    /// their payload cases judged. A refusal is not this case's failure (the method's own cases
    /// judge it).
    func subscribeToEverything(on connection: ObservedConnection) async {
        guard let version = ProtocolVersion(rawValue: configuration.protocolVersion) else { return }
        for event in EventName.allCases where event.isAvailable(in: version) {
            guard let subscription = event.subscription, let method = MethodName(rawValue: subscription.subscribe),
                  method.isAvailable(in: version), let example = method.examples.first else { continue }
            _ = try? await call(connection, method.rawValue, params: example.params)
        }
    }

    /// The run's session key as the start request sends it.
    func sessionKey(of run: ConformanceRun) -> String? {
        (try? JSONValue.parse(Data(run.start.params.utf8)))?[run.sessionKeyField]?.stringValue
    }

    /// Waits for the run's terminal event, then `settleTime` more for anything that must not follow.
    func waitForEnd(of run: ConformanceRun, runId: String, on connection: ObservedConnection) async throws -> RunEvents {
        let snapshot = await connection.log.wait(timeout: timeout) { snapshot in
            snapshot.frames.contains { RunEvents.isTerminal($0, run: run, runId: runId) }
        }
        let events = RunEvents(run: run, runId: runId, log: snapshot)
        guard !events.terminals.isEmpty else {
            let names = run.terminalStates.filter { $0 != run.terminalStates.first }.joined(separator: " / ")
            let end = snapshot.ended ? "; \(connection.describeEnd)" : ""
            throw CaseVerdict.fail(
                "no \(run.terminalStates.first ?? "final") event (nor \(names)) for run \(runId) within \(timeout.text): saw \(events.deltas.count) \(run.deltaState) event(s)\(end)")
        }
        try? await Task.sleep(for: configuration.settleTime)
        return RunEvents(run: run, runId: runId, log: connection.log.snapshot)
    }

    func chatOrdering(_ run: ConformanceRun) async throws {
        let connection = try await connected()
        let runId = try await startRun(run, on: connection, message: "Conformance check: reply with one short sentence.")
        let events = try await waitForEnd(of: run, runId: runId, on: connection)
        try events.checkOrdering()
        let terminal = events.terminals.first.flatMap { events.state(of: $0) } ?? "?"
        notes.append("\(events.deltas.count) \(run.deltaState) event(s), then \(terminal)")
    }

    /// Starts a run, aborts it after its first delta; the abort must say so and the run must end
    /// with exactly one aborted event. A run that ends before the abort lands is retried.
    func abortDuringStream(_ run: ConformanceRun, _ abort: ConformanceAbort, history: ConformanceHistory?) async throws {
        guard let session = sessionKey(of: run) else { throw CaseVerdict.fail("the `\(run.start.method)` example has no \(run.sessionKeyField)") }
        let connection = try await connected()
        let attempts = 3
        for attempt in 1...attempts {
            // The abort must follow the start at once: a rate-limited abort would land too late.
            await makeRoomForTwoWrites()
            let marker = "conformance-\(UUID().uuidString.prefix(8).lowercased())"
            let runId = try await startRun(
                run, on: connection,
                message: "Conformance check \(marker): count from 1 to 300, one number per line, with no other text.")
            let started = await connection.log.first(timeout: timeout) { frame in
                RunEvents.belongs(frame, run: run, runId: runId)
            }
            guard let started else {
                throw CaseVerdict.fail("no `\(run.event)` event for run \(runId) within \(timeout.text)")
            }
            if RunEvents.isTerminal(started, run: run, runId: runId) {
                continue  // Ended before any delta: too fast to abort; try again.
            }
            let params = JSONValue.object([run.sessionKeyField: .string(session), run.runIdField: .string(runId)]).description
            let response = try await call(connection, abort.method, params: params)
            guard response.json?["ok"]?.boolValue == true else {
                throw CaseVerdict.fail("`\(abort.method)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
            }
            try expectValid(response.json?["payload"], schema: abort.resultSchema, of: "\(abort.method) result", frame: response)
            let aborted = response.json?["payload"]?[abort.abortedField]?.boolValue == true
            if !aborted {
                // Only fine when the run really ended on its own.
                let snapshot = await connection.log.wait(timeout: configuration.settleTime * 3) { snapshot in
                    snapshot.frames.contains { RunEvents.isTerminal($0, run: run, runId: runId) }
                }
                let ends = RunEvents(run: run, runId: runId, log: snapshot).terminals
                guard let end = ends.first, RunEvents.state(of: end, run: run) != abort.abortedState else {
                    throw CaseVerdict.fail("`\(abort.method)` answered \(abort.abortedField): false while run \(runId) was still streaming", excerpt: FrameText.excerpt(response))
                }
                if attempt == attempts {
                    // Every run really ended on its own: correct, but nothing was tested.
                    throw CaseVerdict.skip("every run ended before `\(abort.method)` landed in \(attempts) attempts: the model is too fast to test an abort (e.g. ollama-sim --tokens-per-second 20)")
                }
                continue
            }
            let events = try await waitForEnd(of: run, runId: runId, on: connection)
            try events.checkOrdering()
            guard let end = events.terminals.first, events.state(of: end) == abort.abortedState else {
                let state = events.terminals.first.flatMap { events.state(of: $0) } ?? "?"
                throw CaseVerdict.fail(
                    "`\(abort.method)` said \(abort.abortedField): true but run \(runId) ended \(state), not \(abort.abortedState)",
                    excerpt: events.terminals.first.map(FrameText.excerpt))
            }
            notes.append("aborted after \(events.deltas.count) \(run.deltaState) event(s)" + (attempt > 1 ? " (attempt \(attempt))" : ""))
            if let history, let partial = events.text(of: end)?.trimmingCharacters(in: .whitespacesAndNewlines), !partial.isEmpty {
                try await expectKept(partial, of: run, runId, marker: marker, in: history, session: session, on: connection)
            }
            return
        }
        throw CaseVerdict.skip("every run of \(attempts) ended before its first \(run.deltaState): the model is too fast to test an abort (e.g. ollama-sim --tokens-per-second 20)")
    }

    /// The transcript must hold, after the run's user message (found by its marker), an
    /// assistant message with the aborted run's partial text.
    func expectKept(
        _ partial: String, of run: ConformanceRun, _ runId: String, marker: String, in history: ConformanceHistory, session: String,
        on connection: ObservedConnection
    ) async throws {
        let params = JSONValue.object([run.sessionKeyField: .string(session)]).description
        let deadline = ContinuousClock.now + timeout
        while true {
            let response = try await call(connection, history.method, params: params)
            guard response.json?["ok"]?.boolValue == true else {
                throw CaseVerdict.fail("`\(history.method)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
            }
            try expectValid(response.json?["payload"], schema: history.resultSchema, of: "\(history.method) result", frame: response)
            let messages = response.json?["payload"]?[history.messagesField]?.arrayValue ?? []
            let reply = Self.exchange(in: messages, marker: marker, history: history).assistant?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let reply, !reply.isEmpty, reply.contains(partial) || partial.contains(reply) { return }
            guard ContinuousClock.now < deadline else {
                throw CaseVerdict.fail("the partial text of aborted run \(runId) (\"\(FrameText.excerpt(partial))\") is not in `\(history.method)`; the spec says it is persisted")
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Runs an exchange with a unique marker, then polls the history until it holds the user
    /// message and an assistant reply after it; the reply matches the final event's text.
    func historyContainsExchange(_ run: ConformanceRun, _ history: ConformanceHistory) async throws {
        guard let session = sessionKey(of: run) else { throw CaseVerdict.fail("the `\(run.start.method)` example has no \(run.sessionKeyField)") }
        let connection = try await connected()
        let marker = "conformance-\(UUID().uuidString.prefix(8).lowercased())"
        let runId = try await startRun(run, on: connection, message: "Conformance check \(marker): reply with one short sentence.")
        let params = JSONValue.object([run.sessionKeyField: .string(session)]).description
        let deadline = ContinuousClock.now + timeout
        var found = (user: false, assistant: nil as String?)
        var previousReply: String?
        while true {
            let response = try await call(connection, history.method, params: params)
            guard response.json?["ok"]?.boolValue == true else {
                throw CaseVerdict.fail("`\(history.method)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
            }
            try expectValid(response.json?["payload"], schema: history.resultSchema, of: "\(history.method) result", frame: response)
            let messages = response.json?["payload"]?[history.messagesField]?.arrayValue ?? []
            found = Self.exchange(in: messages, marker: marker, history: history)
            if found.user, !Self.isNewest(marker: marker, in: messages, history: history) {
                throw CaseVerdict.fail(
                    "`\(history.method)` lists an older user message after this run's: messages must be oldest first", excerpt: FrameText.excerpt(response))
            }
            let ended = RunEvents(run: run, runId: runId, log: connection.log.snapshot).terminals.first
            // Done when the reply is there and final: the run ended, or the reply stopped changing.
            if let reply = found.assistant, ended != nil || (!reply.isEmpty && reply == previousReply) { break }
            previousReply = found.assistant
            guard ContinuousClock.now < deadline else {
                throw CaseVerdict.fail(
                    "`\(history.method)` never showed the exchange within \(timeout.text): user message \(found.user ? "found" : "missing"), assistant reply after it missing")
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        let events = RunEvents(run: run, runId: runId, log: connection.log.snapshot)
        if let end = events.terminals.first, let finalText = events.text(of: end), let reply = found.assistant {
            let a = finalText.trimmingCharacters(in: .whitespacesAndNewlines), b = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            guard a.contains(b) || b.contains(a) else {
                throw CaseVerdict.fail("the assistant reply in `\(history.method)` \"\(FrameText.excerpt(b))\" is not the \(events.state(of: end) ?? "final") event's text \"\(FrameText.excerpt(a))\"")
            }
        }
    }

    /// Whether the user message containing `marker` is the last user message: the run just
    /// ended, so in a history listed oldest first nothing a user said comes after it.
    static func isNewest(marker: String, in messages: [JSONValue], history: ConformanceHistory) -> Bool {
        guard let userIndex = messages.lastIndex(where: { message in
            message[history.roleField]?.stringValue == history.userRole && (FrameText.messageText(message) ?? "").contains(marker)
        }) else { return false }
        return !messages[(userIndex + 1)...].contains { $0[history.roleField]?.stringValue == history.userRole }
    }

    /// Whether the messages hold a user message containing `marker` and, after it, an assistant
    /// message; returns the assistant's text.
    static func exchange(in messages: [JSONValue], marker: String, history: ConformanceHistory) -> (user: Bool, assistant: String?) {
        guard let userIndex = messages.lastIndex(where: { message in
            message[history.roleField]?.stringValue == history.userRole && (FrameText.messageText(message) ?? "").contains(marker)
        }) else { return (false, nil) }
        let reply = messages[(userIndex + 1)...].first { $0[history.roleField]?.stringValue == history.assistantRole }
        return (true, reply.map { FrameText.messageText($0) ?? "" })
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol

/// The spec's event-order rules: a run's frames must arrive in the rule's order.
extension CaseDriver {
    /// Starts a run; for a rule with a response step, requests that method mid-stream with the
    /// run's session key and id (after the first event of the run). Then every step's frame must
    /// be seen, each after the previous one. A run that ends before the request lands is retried
    /// (three times), then the case is skipped: the model was too fast to test the rule.
    func eventOrder(_ rule: ConformanceOrderRule, _ run: ConformanceRun) async throws {
        guard let session = sessionKey(of: run) else { throw CaseVerdict.fail("the `\(run.start.method)` example has no \(run.sessionKeyField)") }
        let requests = rule.steps.compactMap { step -> String? in
            if case .response(let method) = step { return method }
            return nil
        }
        let connection = try await connected()
        let attempts = requests.isEmpty ? 1 : 3
        for attempt in 1...attempts {
            if !requests.isEmpty { await makeRoomForTwoWrites() }
            let message = requests.isEmpty
                ? "Conformance check: reply with one short sentence."
                : "Conformance check: count from 1 to 300, one number per line, with no other text."
            let runId = try await startRun(run, on: connection, message: message)
            var responseIds: [String: String] = [:]
            if !requests.isEmpty {
                guard let first = await connection.log.first(timeout: timeout, where: { RunEvents.belongs($0, run: run, runId: runId) }) else {
                    throw CaseVerdict.fail("no `\(run.event)` event for run \(runId) within \(timeout.text)")
                }
                if RunEvents.isTerminal(first, run: run, runId: runId) { continue }
                for method in requests {
                    let params = JSONValue.object([run.sessionKeyField: .string(session), rule.correlate: .string(runId)]).description
                    let response = try await call(connection, method, params: params)
                    guard response.json?["ok"]?.boolValue == true, let id = response.json?["id"]?.stringValue else {
                        throw CaseVerdict.fail("`\(method)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
                    }
                    responseIds[method] = id
                }
            }
            let matchers = rule.steps.map { Self.matcher(for: $0, correlate: rule.correlate, runId: runId, responseIds: responseIds) }
            let snapshot = await connection.log.wait(timeout: timeout) { snapshot in
                matchers.allSatisfy { matches in snapshot.frames.contains(where: matches) }
            }
            if let (step, _) = zip(rule.steps, matchers).first(where: { _, matches in !snapshot.frames.contains(where: matches) }) {
                // A run whose own end is no step of the rule ended before the request could
                // change it (the model was too fast): try again with a new run.
                let end = RunEvents(run: run, runId: runId, log: snapshot).terminals.first
                if !requests.isEmpty, let end, !matchers.contains(where: { $0(end) }) { continue }
                throw CaseVerdict.fail("\(Self.describe(step)) of run \(runId) never arrived within \(timeout.text)")
            }
            var previous: (index: Int, step: ConformanceOrderStep)?
            for (step, matches) in zip(rule.steps, matchers) {
                guard let index = snapshot.frames.firstIndex(where: matches) else { continue }
                if let previous, index < previous.index {
                    throw CaseVerdict.fail(
                        "\(Self.describe(step)) arrived before \(Self.describe(previous.step)) for run \(runId); rule `\(rule.name)` wants "
                            + rule.steps.map(Self.describe).joined(separator: " → "),
                        excerpt: FrameText.excerpt(snapshot.frames[index]))
                }
                previous = (index, step)
            }
            notes.append(rule.steps.map(Self.describe).joined(separator: " → ") + (attempt > 1 ? " (attempt \(attempt))" : ""))
            return
        }
        throw CaseVerdict.skip("every run ended before the request landed in \(attempts) attempts: the model is too fast to test `\(rule.name)` (e.g. ollama-sim --tokens-per-second 20)")
    }

    static func describe(_ step: ConformanceOrderStep) -> String {
        switch step {
        case .response(let method): "the `\(method)` response"
        case .event(let event, let match):
            "`\(event)`" + (match.isEmpty ? "" : " (" + match.map { "\($0.pointer)=\($0.value)" }.joined(separator: ", ") + ")")
        }
    }

    /// Whether a frame is the one a step names, for this run.
    static func matcher(
        for step: ConformanceOrderStep, correlate: String, runId: String, responseIds: [String: String]
    ) -> @Sendable (ReceivedFrame) -> Bool {
        switch step {
        case .response(let method):
            let id = responseIds[method]
            return { frame in id != nil && FrameText.isResponse(frame, id: id ?? "") }
        case .event(let event, let match):
            let expected = match.map { ($0.pointer, try? JSONValue.parse(Data($0.value.utf8))) }
            return { frame in
                guard FrameText.isEvent(frame, named: event), let payload = frame.json?["payload"],
                      payload[correlate]?.stringValue == runId else { return false }
                return expected.allSatisfy { pointer, value in value != nil && FrameText.value(at: pointer, in: payload) == value }
            }
        }
    }
}

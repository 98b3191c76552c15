import Foundation
import GeneratedProtocol

/// Judges the `event/<name>/payload` cases from what the whole run saw (``EventLedger``).
/// An event the run has not seen is provoked first when the case has a trigger: wait for the
/// next periodic one, connect a client the gateway tracks, or — last of all, and only with
/// ``ConformanceConfiguration/shutdownCommand`` — stop the gateway.
struct EventCaseJudge {
    let configuration: ConformanceConfiguration
    let ledger: EventLedger
    let watcher: EventWatcher?

    /// The longest a periodic event is waited for, whatever interval the gateway announces.
    static let longestPeriodicWait: Duration = .seconds(600)

    func judge(_ event: String, payloadSchema: String, trigger: ConformanceEventTrigger?, notes: inout [String]) async throws {
        if ledger.entry(for: event).count == 0, let trigger {
            try await provoke(event, by: trigger, notes: &notes)
        }
        let entry = ledger.entry(for: event)
        guard entry.count > 0 else { throw CaseVerdict.skip("no `\(event)` event was seen during the run") }
        if let problem = entry.firstProblem {
            throw CaseVerdict.fail(problem.reason + " (first seen in \(entry.firstProblemCase ?? "?"))", excerpt: problem.excerpt)
        }
        notes.append("\(entry.count) seen, all valid against \(payloadSchema)")
    }

    private func provoke(_ event: String, by trigger: ConformanceEventTrigger, notes: inout [String]) async throws {
        guard let watcher else {
            throw CaseVerdict.skip("no `\(event)` event was seen, and the runner has no connection to wait for one on")
        }
        switch trigger {
        case .periodic(let field, let defaultInterval):
            let announced = watcher.hello?["policy"]?[field]?.intValue
            let interval = Duration.milliseconds(min(max(announced ?? defaultInterval, 1), 300_000))
            let wait = min(interval * 2, Self.longestPeriodicWait)
            notes.append("waited for the next `\(event)` (hello-ok policy.\(field) \(announced.map(String.init) ?? "absent, spec default \(defaultInterval)") ms)")
            guard await watcher.waitForEvent(event, timeout: wait) else {
                throw CaseVerdict.fail("no `\(event)` event within \(wait.text), twice the interval \(interval.text)")
            }
        case .trackedClient(let clientId, let mode):
            let tracked = try await TrackedClient.connect(configuration: configuration, ledger: ledger, clientId: clientId, mode: mode)
            let seen = await watcher.waitForEvent(event, timeout: configuration.timeout)
            await tracked.close()
            notes.append("provoked by connecting a `\(clientId)` client in mode `\(mode)`")
            guard seen else {
                throw CaseVerdict.fail("no `\(event)` event within \(configuration.timeout.text) after a `\(mode)` client connected")
            }
        case .gatewayShutdown(let closeCode):
            guard let command = configuration.shutdownCommand else {
                throw CaseVerdict.skip("the gateway did not stop during the run; --shutdown-command runs a command that stops it, after every other case")
            }
            try await ShutdownCommand(command).run(timeout: configuration.timeout)
            notes.append("provoked by the shutdown command")
            guard await watcher.waitForEvent(event, timeout: configuration.timeout) else {
                throw CaseVerdict.fail("no `\(event)` event within \(configuration.timeout.text) after the shutdown command; then \(watcher.endDescription)")
            }
            if let closeCode {
                guard await watcher.waitForClose(timeout: configuration.timeout) else {
                    throw CaseVerdict.fail("the connection stayed open \(configuration.timeout.text) after `\(event)`; expected close \(closeCode)")
                }
                guard watcher.closeCode.map(Int.init) == closeCode else {
                    throw CaseVerdict.fail("after `\(event)` \(watcher.endDescription); expected close \(closeCode)")
                }
            }
        }
    }
}

import Foundation
import GeneratedProtocol

/// Runs conformance cases against a gateway, one after the other, each on fresh connections,
/// through the public protocol only.
///
/// ```swift
/// var configuration = ConformanceConfiguration(url: URL(string: "ws://127.0.0.1:18789")!, token: "s3cret")
/// configuration.skipModel = true
/// let report = await ConformanceRunner(configuration: configuration).run()
/// print(TextReport.render(report))
/// ```
public struct ConformanceRunner: Sendable {
    public var configuration: ConformanceConfiguration

    public init(configuration: ConformanceConfiguration) {
        self.configuration = configuration
    }

    /// The cases `--only` selects, in suite order.
    public func selectedCases(from cases: [ConformanceCase] = ConformanceSuite.cases) -> [ConformanceCase] {
        let patterns = configuration.only.map(GlobPattern.init)
        guard !patterns.isEmpty else { return cases }
        return cases.filter { testCase in patterns.contains { $0.matches(testCase.id) } }
    }

    /// The longest the preflight can take: each step's limit, and the challenge grace.
    public var preflightLimit: Duration { Preflight(configuration: configuration, protocols: 0...0).worstCase }

    /// The preflight alone (``ConformanceConfiguration/preflight``): how far a client gets.
    public func preflight() async -> PreflightReport {
        let protocols = ConformanceSuite.protocols
        let range = configuration.negotiatesProtocol
            ? (protocols.first ?? configuration.protocolVersion)...(protocols.last ?? configuration.protocolVersion)
            : configuration.protocolVersion...configuration.protocolVersion
        return await Preflight(configuration: configuration, protocols: range).run()
    }

    /// Runs the preflight (or takes `preflight`, already run), then the selected cases of the
    /// protocol version the run speaks; `progress` sees each result as soon as it is known, with
    /// its position (1-based) and the number of cases.
    public func run(
        _ cases: [ConformanceCase] = ConformanceSuite.cases,
        preflight given: PreflightReport? = nil,
        progress: @Sendable (CaseResult, _ position: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async -> ConformanceReport {
        let started = Date()
        let clock = ContinuousClock.now
        var configuration = configuration
        let preflight: PreflightReport?
        if let given {
            preflight = given
        } else {
            preflight = configuration.preflight ? await self.preflight() : nil
        }
        if configuration.negotiatesProtocol, let negotiated = preflight?.negotiatedProtocol,
           ConformanceSuite.protocols.contains(negotiated) {
            configuration.protocolVersion = negotiated
        }
        let runner = ConformanceRunner(configuration: configuration)
        let ledger = EventLedger()
        let rateLimits = RateLimitMemory()
        // The profile: only the cases of the version this run speaks; a case that stops the
        // gateway runs last (the report keeps the suite's order).
        let profile = runner.selectedCases(from: cases).filter { $0.protocols.contains(configuration.protocolVersion) }
        let selected = profile.filter { !$0.stopsGateway } + profile.filter(\.stopsGateway)
        let watcher = preflight.map { $0.level >= .handshake } ?? true
            ? await EventWatcher.open(configuration: configuration, ledger: ledger) : nil
        var results: [CaseResult] = []
        for (index, testCase) in selected.enumerated() {
            var result: CaseResult
            if let preflight, preflight.level < testCase.requiredLevel {
                result = CaseResult(
                    id: testCase.id, group: testCase.group, summary: testCase.summary, outcome: .blocked,
                    reason: "blocked by the preflight: " + (preflight.failedStep.map { "\($0.step.rawValue) — \($0.detail)" } ?? "the gateway cannot be tested"),
                    flags: Self.names(testCase.flags))
            } else {
                result = await runner.run(testCase, ledger: ledger, rateLimits: rateLimits, watcher: watcher)
            }
            if configuration.strict, result.outcome == .skip {
                result.outcome = .fail
                result.reason = "skipped, and --strict allows no skip: " + (result.reason ?? "")
            }
            progress(result, index + 1, selected.count)
            results.append(result)
        }
        await watcher?.close()
        let order = Dictionary(profile.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        results.sort { order[$0.id, default: 0] < order[$1.id, default: 0] }
        return ConformanceReport(
            target: configuration.url.absoluteString, startedAt: started, durationMs: (ContinuousClock.now - clock).milliseconds,
            results: results, unknownEvents: ledger.unknownEvents, protocolVersion: configuration.protocolVersion,
            preflight: preflight)
    }

    private func run(_ testCase: ConformanceCase, ledger: EventLedger, rateLimits: RateLimitMemory, watcher: EventWatcher?) async -> CaseResult {
        let start = ContinuousClock.now
        var result = CaseResult(
            id: testCase.id, group: testCase.group, summary: testCase.summary, outcome: .pass, flags: Self.names(testCase.flags))
        if let reason = skipReason(testCase) {
            result.outcome = .skip
            result.reason = reason
            return result
        }
        let driver = CaseDriver(testCase: testCase, configuration: configuration, ledger: ledger, rateLimits: rateLimits)
        var verdict: CaseVerdict?
        do {
            if case .eventPayloads(let event, let payloadSchema, let trigger) = testCase.kind {
                let judge = EventCaseJudge(configuration: configuration, ledger: ledger, watcher: watcher)
                try await judge.judge(event, payloadSchema: payloadSchema, trigger: trigger, notes: &driver.notes)
            } else {
                try await driver.run()
            }
        } catch let thrown as CaseVerdict {
            verdict = thrown
        } catch {
            verdict = .fail("unexpected error: \(error)")
        }
        let problem = await driver.finish()
        switch verdict {
        case .fail(let reason, let excerpt):
            result.outcome = .fail
            result.reason = reason
            result.excerpt = excerpt
        case .skip(let reason):
            result.outcome = .skip
            result.reason = reason
        case nil:
            if let problem {
                result.outcome = .fail
                result.reason = problem.reason
                result.excerpt = problem.excerpt
            }
        }
        result.notes = driver.notes
        result.durationMs = (ContinuousClock.now - start).milliseconds
        return result
    }

    /// Why a case cannot run with this configuration, or nil. (A case of another protocol
    /// version never gets here: the profile leaves it out of the run.)
    func skipReason(_ testCase: ConformanceCase) -> String? {
        if testCase.flags.contains(.needsModel), configuration.skipModel { return "--skip-model: needs a model reply" }
        if testCase.flags.contains(.needsAuth), configuration.token == nil { return "no --token: needs the gateway's token" }
        return nil
    }

    static func names(_ flags: ConformanceFlags) -> [String] {
        [(ConformanceFlags.needsModel, "needsModel"), (.needsAuth, "needsAuth"), (.mutates, "mutates")]
            .filter { flags.contains($0.0) }.map(\.1)
    }
}

import Foundation
import GeneratedProtocol

/// The outcome of a run: the preflight, every case's result in the order they ran, and what the
/// run spoke.
public struct ConformanceReport: Sendable, Equatable, Codable {
    /// The URL the run was pointed at.
    public var target: String
    public var startedAt: Date
    public var durationMs: Int
    public var results: [CaseResult]
    /// Events the gateway sent that the spec does not define (allowed, not validated).
    public var unknownEvents: [String]
    /// The protocol version the run spoke (the profile it ran).
    public var protocolVersion: Int
    /// What the preflight found; nil when it was turned off.
    public var preflight: PreflightReport?
    /// ``ConformanceSuite/version`` of the suite that ran.
    public var suiteVersion: String

    public init(
        target: String, startedAt: Date, durationMs: Int, results: [CaseResult], unknownEvents: [String] = [],
        protocolVersion: Int = ConformanceSuite.newestProtocol, preflight: PreflightReport? = nil,
        suiteVersion: String = ConformanceSuite.version
    ) {
        self.target = target
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.results = results
        self.unknownEvents = unknownEvents
        self.protocolVersion = protocolVersion
        self.preflight = preflight
        self.suiteVersion = suiteVersion
    }

    public var passed: Int { count(.pass) }
    public var failed: Int { count(.fail) }
    public var skipped: Int { count(.skip) }
    public var blocked: Int { count(.blocked) }

    public var failures: [CaseResult] { results.filter { $0.outcome == .fail } }

    /// Passed cases as a share of the cases that could be judged (passed + failed + blocked), 0…1.
    public var score: Double {
        let judged = passed + failed + blocked
        return judged == 0 ? 0 : Double(passed) / Double(judged)
    }

    public func result(_ id: String) -> CaseResult? {
        results.first { $0.id == id }
    }

    private func count(_ outcome: CaseResult.Outcome) -> Int {
        results.count(where: { $0.outcome == outcome })
    }

    /// `hello-ok.server.version` from the preflight, when it got that far.
    public var serverVersion: String? { preflight?.serverVersion }
}

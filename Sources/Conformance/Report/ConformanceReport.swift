import Foundation

/// The outcome of a run: every case's result, in the order they ran.
public struct ConformanceReport: Sendable, Equatable, Codable {
    /// The URL the run was pointed at.
    public var target: String
    public var startedAt: Date
    public var durationMs: Int
    public var results: [CaseResult]
    /// Events the gateway sent that the spec does not define (allowed, not validated).
    public var unknownEvents: [String]

    public init(target: String, startedAt: Date, durationMs: Int, results: [CaseResult], unknownEvents: [String] = []) {
        self.target = target
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.results = results
        self.unknownEvents = unknownEvents
    }

    public var passed: Int { count(.pass) }
    public var failed: Int { count(.fail) }
    public var skipped: Int { count(.skip) }

    public var failures: [CaseResult] { results.filter { $0.outcome == .fail } }

    public func result(_ id: String) -> CaseResult? {
        results.first { $0.id == id }
    }

    private func count(_ outcome: CaseResult.Outcome) -> Int {
        results.count(where: { $0.outcome == outcome })
    }

    /// The report as JSON (sorted keys, ISO 8601 dates), with the totals.
    public func json() throws -> Data {
        struct Document: Encodable {
            var report: ConformanceReport
            var passed: Int
            var failed: Int
            var skipped: Int

            func encode(to encoder: any Encoder) throws {
                try report.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(passed, forKey: .passed)
                try container.encode(failed, forKey: .failed)
                try container.encode(skipped, forKey: .skipped)
            }

            enum Key: String, CodingKey { case passed, failed, skipped }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(Document(report: self, passed: passed, failed: failed, skipped: skipped))
    }
}

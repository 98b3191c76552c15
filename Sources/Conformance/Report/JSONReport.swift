import Foundation

/// `--json FILE`: the report in a stable, versioned shape (docs/conformance.md, "JSON report").
/// Fields are only ever added within a `schema` version; a renamed or removed field is a new one.
public enum JSONReport {
    /// The value of the document's `schema` field.
    public static let schema = "kubeclaw-conformance-report/1"

    /// The document: pretty-printed, sorted keys, ISO 8601 dates.
    public static func render(_ report: ConformanceReport, baseline: BaselineOutcome? = nil) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(Document(report, baseline: baseline))
    }

    struct Document: Encodable {
        var schema = JSONReport.schema
        var suite: Suite
        var gateway: Gateway
        var startedAt: Date
        var durationMs: Int
        var totals: Totals
        var score: Double
        var preflight: PreflightReport?
        var results: [Case]
        var unknownEvents: [String]
        var baseline: Baseline?

        init(_ report: ConformanceReport, baseline outcome: BaselineOutcome?) {
            suite = Suite(version: report.suiteVersion, cases: report.results.count)
            gateway = Gateway(url: report.target, protocol: report.protocolVersion, serverVersion: report.serverVersion)
            startedAt = report.startedAt
            durationMs = report.durationMs
            totals = Totals(
                passed: report.passed, failed: report.failed, skipped: report.skipped, blocked: report.blocked,
                knownFailures: outcome?.knownFailures.count ?? 0)
            score = (report.score * 1000).rounded() / 1000
            preflight = report.preflight
            results = report.results.map { result in
                Case(
                    id: result.id, group: result.group, summary: result.summary, verdict: result.outcome.rawValue,
                    durationMs: result.durationMs, detail: result.reason, frame: result.excerpt, notes: result.notes,
                    flags: result.flags, knownFailure: outcome.map { $0.knownFailures.contains(result.id) } ?? false)
            }
            unknownEvents = report.unknownEvents
            baseline = outcome.map { Baseline(file: $0.file, knownFailures: $0.knownFailures, stale: $0.stale, newFailures: $0.newFailures) }
        }
    }

    struct Suite: Encodable {
        var version: String
        var cases: Int
    }

    struct Gateway: Encodable {
        var url: String
        var `protocol`: Int
        var serverVersion: String?
    }

    struct Totals: Encodable {
        var passed, failed, skipped, blocked, knownFailures: Int
    }

    struct Case: Encodable {
        var id, group, summary, verdict: String
        var durationMs: Int
        var detail: String?
        var frame: String?
        var notes: [String]
        var flags: [String]
        var knownFailure: Bool
    }

    struct Baseline: Encodable {
        var file: String
        var knownFailures: [String]
        var stale: [String]
        var newFailures: [String]
    }
}

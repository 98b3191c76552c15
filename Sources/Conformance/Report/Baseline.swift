import Foundation

/// `--baseline FILE`: the cases a gateway is known to fail, by id — one per line, `#` starts a
/// comment. A listed case that fails does not fail the run; a listed case that passes does,
/// as a stale baseline (take it out, so it cannot regress unnoticed).
public struct Baseline: Sendable, Equatable {
    /// Where it was read from, for messages.
    public var file: String
    /// The listed case ids, in file order, without duplicates.
    public var ids: [String]

    public init(file: String, ids: [String]) {
        self.file = file
        self.ids = ids
    }

    public static func load(path: String) throws -> Baseline {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BaselineError("cannot read the baseline \(path): \(error.localizedDescription)")
        }
        return parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) -> Baseline {
        var ids: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let id = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if !id.isEmpty, !ids.contains(id) { ids.append(id) }
        }
        return Baseline(file: file, ids: ids)
    }

    /// The file that lists every failure of `report`, with the reasons as comments.
    public static func render(_ report: ConformanceReport) -> String {
        var lines = ["# kubeclaw conformance baseline: known failures of \(report.target), protocol \(report.protocolVersion)",
                     "# suite \(report.suiteVersion); one case id per line, # starts a comment"]
        for failure in report.failures {
            lines.append("\(failure.id)  # \((failure.reason ?? "").replacing("\n", with: " ").prefix(160))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func judge(_ report: ConformanceReport) -> BaselineOutcome {
        let listed = Set(ids)
        var outcome = BaselineOutcome(file: file)
        for result in report.results {
            switch (result.outcome, listed.contains(result.id)) {
            case (.fail, true): outcome.knownFailures.append(result.id)
            case (.fail, false): outcome.newFailures.append(result.id)
            case (.pass, true): outcome.stale.append(result.id)
            case (.pass, false), (.skip, _), (.blocked, _): break
            }
        }
        let ran = Set(report.results.filter { $0.outcome == .pass || $0.outcome == .fail }.map(\.id))
        outcome.notJudged = ids.filter { !ran.contains($0) }
        return outcome
    }
}

/// A ``Baseline`` held against a report.
public struct BaselineOutcome: Sendable, Equatable {
    public var file: String
    /// Listed and failed: expected, not counted against the run.
    public var knownFailures: [String] = []
    /// Listed but passed: the baseline is stale.
    public var stale: [String] = []
    /// Failed and not listed.
    public var newFailures: [String] = []
    /// Listed but neither passed nor failed in this run (not selected, skipped, blocked, or not
    /// a case of this suite or protocol).
    public var notJudged: [String] = []

    public init(file: String) {
        self.file = file
    }
}

public struct BaselineError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

import Foundation

/// The human report: the preflight, one line per case (with the reason and the offending frame
/// of a failure), a table per group, and the final line `N passed, N failed` (`, N skipped` and
/// `, N blocked` when any were).
public enum TextReport {
    /// The line (or lines) of one result, as printed while the run goes.
    public static func line(_ result: CaseResult) -> String {
        let label: String
        switch result.outcome {
        case .pass: label = "PASS"
        case .fail: label = "FAIL"
        case .skip: label = "SKIP"
        case .blocked: label = "BLOCKED"
        }
        var text = "\(label)  \(result.id)"
        if let reason = result.reason { text += " — \(reason)" }
        if !result.notes.isEmpty { text += " (\(result.notes.joined(separator: "; ")))" }
        if let excerpt = result.excerpt { text += "\n      frame: \(excerpt)" }
        return text
    }

    /// ``line(_:)`` with the run's progress in front: `[ 37/110] PASS  …`.
    public static func progressLine(_ result: CaseResult, position: Int, total: Int) -> String {
        let width = String(total).count
        let number = String(repeating: " ", count: max(0, width - String(position).count)) + String(position)
        return "[\(number)/\(total)] " + line(result)
    }

    /// The preflight as printed before the cases: one line per step, then the explanation
    /// when the gateway cannot be (fully) tested.
    public static func preflight(_ preflight: PreflightReport) -> String {
        var lines = preflight.steps.map { step in
            let label = step.ok ? "ok" : step.step == .challenge ? "missing" : "FAILED"
            return "preflight \(step.step.rawValue): \(label) — \(step.detail) (\(step.durationMs) ms)"
        }
        if let explanation = preflight.explanation {
            lines.append("")
            lines.append("The gateway cannot be \(preflight.level == .unreachable ? "" : "fully ")tested: \(explanation)")
            if let excerpt = preflight.excerpt { lines.append("      frame: \(excerpt)") }
        }
        return lines.joined(separator: "\n")
    }

    /// One row of ``table(_:)``.
    public struct GroupCount: Sendable, Equatable {
        public var group: String
        public var pass = 0, fail = 0, skip = 0, blocked = 0
        public var total: Int { pass + fail + skip + blocked }
    }

    /// Results counted per group, in suite order.
    public static func groupCounts(_ report: ConformanceReport) -> [GroupCount] {
        var rows: [GroupCount] = []
        var index: [String: Int] = [:]
        for result in report.results {
            let position = index[result.group] ?? {
                rows.append(GroupCount(group: result.group))
                index[result.group] = rows.count - 1
                return rows.count - 1
            }()
            switch result.outcome {
            case .pass: rows[position].pass += 1
            case .fail: rows[position].fail += 1
            case .skip: rows[position].skip += 1
            case .blocked: rows[position].blocked += 1
            }
        }
        return rows
    }

    /// The table of results per group (methods, `protocol`, `stream`, `event`), in suite order;
    /// a `blocked` column only when cases were blocked.
    public static func table(_ report: ConformanceReport) -> String {
        let rows = groupCounts(report)
        let showBlocked = report.blocked > 0
        let width = max(5, rows.map(\.group.count).max() ?? 0)
        func row(_ name: String, _ columns: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0)
                + columns.enumerated().map { pad($0.element, $0.offset == 4 ? 9 : 6) }.joined()
        }
        var lines = [row("group", ["cases", "pass", "fail", "skip"] + (showBlocked ? ["blocked"] : []))]
        for count in rows {
            lines.append(row(count.group, ["\(count.total)", "\(count.pass)", "\(count.fail)", "\(count.skip)"]
                + (showBlocked ? ["\(count.blocked)"] : [])))
        }
        return lines.joined(separator: "\n")
    }

    /// `N passed, N failed`, plus `, N skipped` / `, N blocked` when cases were.
    public static func finalLine(_ report: ConformanceReport) -> String {
        "\(report.passed) passed, \(report.failed) failed" + (report.skipped > 0 ? ", \(report.skipped) skipped" : "")
            + (report.blocked > 0 ? ", \(report.blocked) blocked" : "")
    }

    /// Everything: the preflight, the lines, the table, notes on unknown events and the run
    /// time, the final line.
    public static func render(_ report: ConformanceReport) -> String {
        var parts: [String] = []
        if let preflight = report.preflight {
            parts.append(self.preflight(preflight))
            parts.append("")
        }
        parts += report.results.map(line)
        parts.append("")
        parts.append(table(report))
        parts.append("")
        parts.append(summary(report))
        parts.append(finalLine(report))
        return parts.joined(separator: "\n")
    }

    /// The lines between the table and the final line: unknown events, what ran where and how long.
    public static func summary(_ report: ConformanceReport) -> String {
        var lines: [String] = []
        if !report.unknownEvents.isEmpty {
            lines.append("events outside the spec (not validated): \(report.unknownEvents.joined(separator: ", "))")
        }
        lines.append("ran \(report.results.count) cases of protocol \(report.protocolVersion) (suite \(report.suiteVersion)) against \(report.target)"
            + (report.serverVersion.map { " (server \($0))" } ?? "") + " in \(String(format: "%.1f", Double(report.durationMs) / 1000)) s")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

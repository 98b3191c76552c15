import Foundation

/// The human report: one line per case (with the reason and the offending frame of a failure),
/// a table per group, and the final line `N passed, N failed` (`, N skipped` when any were).
public enum TextReport {
    /// The line (or lines) of one result, as printed while the run goes.
    public static func line(_ result: CaseResult) -> String {
        let label: String
        switch result.outcome {
        case .pass: label = "PASS"
        case .fail: label = "FAIL"
        case .skip: label = "SKIP"
        }
        var text = "\(label)  \(result.id)"
        if let reason = result.reason { text += " — \(reason)" }
        if !result.notes.isEmpty { text += " (\(result.notes.joined(separator: "; ")))" }
        if let excerpt = result.excerpt { text += "\n      frame: \(excerpt)" }
        return text
    }

    /// The table of results per group (methods, `protocol`, `stream`, `event`), in suite order.
    public static func table(_ report: ConformanceReport) -> String {
        var groups: [String] = []
        var counts: [String: (pass: Int, fail: Int, skip: Int)] = [:]
        for result in report.results {
            if counts[result.group] == nil { groups.append(result.group) }
            var count = counts[result.group] ?? (0, 0, 0)
            switch result.outcome {
            case .pass: count.pass += 1
            case .fail: count.fail += 1
            case .skip: count.skip += 1
            }
            counts[result.group] = count
        }
        let width = max(5, groups.map(\.count).max() ?? 0)
        func row(_ name: String, _ columns: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + columns.map { pad($0, 6) }.joined()
        }
        var lines = [row("group", ["cases", "pass", "fail", "skip"])]
        for group in groups {
            let count = counts[group] ?? (0, 0, 0)
            lines.append(row(group, ["\(count.pass + count.fail + count.skip)", "\(count.pass)", "\(count.fail)", "\(count.skip)"]))
        }
        return lines.joined(separator: "\n")
    }

    /// `N passed, N failed`, plus `, N skipped` when cases were skipped.
    public static func finalLine(_ report: ConformanceReport) -> String {
        "\(report.passed) passed, \(report.failed) failed" + (report.skipped > 0 ? ", \(report.skipped) skipped" : "")
    }

    /// Everything: the lines, the table, notes on unknown events and the run time, the final line.
    public static func render(_ report: ConformanceReport) -> String {
        var parts = report.results.map(line)
        parts.append("")
        parts.append(table(report))
        parts.append("")
        if !report.unknownEvents.isEmpty {
            parts.append("events outside the spec (not validated): \(report.unknownEvents.joined(separator: ", "))")
        }
        parts.append("ran \(report.results.count) cases against \(report.target) in \(String(format: "%.1f", Double(report.durationMs) / 1000)) s")
        parts.append(finalLine(report))
        return parts.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

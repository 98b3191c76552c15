import Foundation

/// `--html FILE`: one self-contained page (no scripts, no external files) to publish or attach:
/// the score, the preflight, a table per method, every failure with its offending frame, and
/// every case.
public enum HTMLReport {
    public static func render(_ report: ConformanceReport, baseline: BaselineOutcome? = nil) -> String {
        let known = Set(baseline?.knownFailures ?? [])
        let stale = Set(baseline?.stale ?? [])
        var html: [String] = []
        html.append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>OpenClaw conformance: \(escape(report.target))</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1f23}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
            table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
            td.n,th.n{text-align:right}.score{font-size:2.2em;font-weight:600}
            .pass{color:#1a7f37}.fail{color:#cf222e}.skip,.blocked,.known{color:#9a6700}
            pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
            code{font-family:ui-monospace,monospace}
            </style></head><body>
            """)
        html.append("<h1>OpenClaw gateway conformance</h1>")
        let percent = String(format: "%.1f", report.score * 100)
        html.append("<p class=\"score\">\(percent) %</p>")
        html.append("<p>\(report.passed) passed, \(report.failed) failed, \(report.skipped) skipped, \(report.blocked) blocked"
            + (known.isEmpty ? "" : " (\(known.count) of the failures are known: baseline)")
            + (stale.isEmpty ? "" : "; <strong class=\"fail\">\(stale.count) stale baseline entr\(stale.count == 1 ? "y" : "ies")</strong>") + "</p>")
        html.append("<table><tbody>")
        for (name, value) in [
            ("gateway", report.target), ("protocol", "\(report.protocolVersion)"), ("server version", report.serverVersion ?? "—"),
            ("suite version", report.suiteVersion), ("started", ISO8601DateFormatter().string(from: report.startedAt)),
            ("duration", String(format: "%.1f s", Double(report.durationMs) / 1000)),
        ] {
            html.append("<tr><th>\(name)</th><td><code>\(escape(value))</code></td></tr>")
        }
        html.append("</tbody></table>")

        if let preflight = report.preflight {
            html.append("<h2>Preflight</h2>")
            if let explanation = preflight.explanation {
                html.append("<p class=\"fail\">\(escape(explanation))</p>")
            }
            html.append("<table><thead><tr><th>step</th><th>result</th><th>detail</th><th class=\"n\">ms</th></tr></thead><tbody>")
            for step in preflight.steps {
                let label = step.ok ? "<span class=\"pass\">ok</span>" : "<span class=\"\(step.step == .challenge ? "skip" : "fail")\">\(step.step == .challenge ? "missing" : "failed")</span>"
                html.append("<tr><td>\(step.step.rawValue)</td><td>\(label)</td><td>\(escape(step.detail))</td><td class=\"n\">\(step.durationMs)</td></tr>")
            }
            html.append("</tbody></table>")
        }

        html.append("<h2>Per method</h2>")
        html.append("<table><thead><tr><th>group</th><th class=\"n\">cases</th><th class=\"n\">pass</th><th class=\"n\">fail</th><th class=\"n\">skip</th><th class=\"n\">blocked</th></tr></thead><tbody>")
        for row in TextReport.groupCounts(report) {
            html.append("<tr><td><code>\(escape(row.group))</code></td><td class=\"n\">\(row.total)</td><td class=\"n pass\">\(row.pass)</td>"
                + "<td class=\"n\(row.fail > 0 ? " fail" : "")\">\(row.fail)</td><td class=\"n\">\(row.skip)</td><td class=\"n\">\(row.blocked)</td></tr>")
        }
        html.append("</tbody></table>")

        let failures = report.results.filter { $0.outcome == .fail || stale.contains($0.id) }
        if !failures.isEmpty {
            html.append("<h2>Failures</h2>")
            for failure in failures {
                let tag = stale.contains(failure.id) ? " <span class=\"fail\">(stale baseline: passes now)</span>"
                    : known.contains(failure.id) ? " <span class=\"known\">(known failure)</span>" : ""
                html.append("<h3><code>\(escape(failure.id))</code>\(tag)</h3>")
                html.append("<p>\(escape(failure.summary))</p>")
                if let reason = failure.reason { html.append("<p class=\"fail\">\(escape(reason))</p>") }
                if let excerpt = failure.excerpt { html.append("<pre>\(escape(excerpt))</pre>") }
            }
        }

        html.append("<h2>All cases</h2>")
        html.append("<table><thead><tr><th>case</th><th>verdict</th><th>detail</th><th class=\"n\">ms</th></tr></thead><tbody>")
        for result in report.results {
            let verdict = known.contains(result.id) ? "known" : result.outcome.rawValue
            let detail = result.reason ?? result.notes.joined(separator: "; ")
            html.append("<tr><td><code>\(escape(result.id))</code></td><td class=\"\(verdict)\">\(verdict)</td><td>\(escape(detail))</td><td class=\"n\">\(result.durationMs)</td></tr>")
        }
        html.append("</tbody></table>")
        if !report.unknownEvents.isEmpty {
            html.append("<p>Events outside the spec (not validated): \(report.unknownEvents.map { "<code>\(escape($0))</code>" }.joined(separator: ", "))</p>")
        }
        html.append("</body></html>")
        return html.joined(separator: "\n") + "\n"
    }

    /// Text for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

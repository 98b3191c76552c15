import Foundation

/// `--junit FILE`: JUnit XML as CI systems read it — one `<testsuite>` per group (method,
/// `protocol`, `stream`, `event`), one `<testcase>` per case; a failure carries its reason and
/// the offending frame, a skip or a blocked case is `<skipped>` with its reason, a known failure
/// of the baseline is `<skipped>` too ("known failure: …") so that it does not fail the build.
public enum JUnitReport {
    public static func render(_ report: ConformanceReport, baseline: BaselineOutcome? = nil) -> String {
        let known = Set(baseline?.knownFailures ?? [])
        let stale = Set(baseline?.stale ?? [])
        var groups: [String] = []
        var byGroup: [String: [CaseResult]] = [:]
        for result in report.results {
            if byGroup[result.group] == nil { groups.append(result.group) }
            byGroup[result.group, default: []].append(result)
        }
        func failing(_ result: CaseResult) -> Bool {
            (result.outcome == .fail && !known.contains(result.id)) || stale.contains(result.id)
        }
        var xml = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        xml.append(
            #"<testsuites name="kubeclaw conformance" tests="\#(report.results.count)" failures="\#(report.results.count(where: failing))" "#
                + #"skipped="\#(report.results.count(where: { !failing($0) && $0.outcome != .pass }))" time="\#(seconds(report.durationMs))">"#)
        xml.append("  <properties>")
        for (name, value) in [("target", report.target), ("protocol", "\(report.protocolVersion)"), ("suiteVersion", report.suiteVersion),
                              ("serverVersion", report.serverVersion ?? "")] {
            xml.append(#"    <property name="\#(name)" value="\#(escape(value))"/>"#)
        }
        if let explanation = report.preflight?.explanation {
            xml.append(#"    <property name="preflight" value="\#(escape(explanation))"/>"#)
        }
        xml.append("  </properties>")
        for group in groups {
            let results = byGroup[group] ?? []
            let time = results.reduce(0) { $0 + $1.durationMs }
            xml.append(
                #"  <testsuite name="\#(escape(group))" tests="\#(results.count)" failures="\#(results.count(where: failing))" "#
                    + #"skipped="\#(results.count(where: { !failing($0) && $0.outcome != .pass }))" time="\#(seconds(time))">"#)
            for result in results {
                let open = #"    <testcase classname="conformance.\#(escape(group))" name="\#(escape(result.id))" time="\#(seconds(result.durationMs))""#
                let reason = escape(result.reason ?? "")
                if stale.contains(result.id) {
                    xml.append(open + ">")
                    xml.append(#"      <failure message="stale baseline: passes, but \#(escape(baseline?.file ?? "the baseline")) lists it as a known failure" type="stale-baseline"/>"#)
                    xml.append("    </testcase>")
                    continue
                }
                switch result.outcome {
                case .pass:
                    xml.append(open + "/>")
                case .fail where known.contains(result.id):
                    xml.append(open + ">")
                    xml.append(#"      <skipped message="known failure (baseline): \#(reason)"/>"#)
                    xml.append("    </testcase>")
                case .fail:
                    xml.append(open + ">")
                    xml.append(#"      <failure message="\#(reason)" type="conformance">\#(escape(result.excerpt ?? ""))</failure>"#)
                    xml.append("    </testcase>")
                case .skip, .blocked:
                    xml.append(open + ">")
                    xml.append(#"      <skipped message="\#(result.outcome == .blocked ? "" : "skipped: ")\#(reason)"/>"#)
                    xml.append("    </testcase>")
                }
            }
            xml.append("  </testsuite>")
        }
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }

    private static func seconds(_ milliseconds: Int) -> String {
        String(format: "%.3f", Double(milliseconds) / 1000)
    }

    /// Text for an XML attribute or element: markup escaped, characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default:
                let value = scalar.value
                if value >= 0x20, !(0xFFFE...0xFFFF).contains(value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

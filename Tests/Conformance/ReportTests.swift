import Conformance
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GeneratedProtocol
import Testing

/// Selecting cases and reporting results, without a gateway.
@Suite struct ReportTests {
    @Test("globs match case ids: * spans any characters, ? one", arguments: [
        ("method/chat.*", "method/chat.send/valid/0", true),
        ("method/chat.*", "method/config.get/valid/0", false),
        ("protocol/*-token", "protocol/wrong-token", true),
        ("*/valid/?", "method/health/valid/1", true),
        ("*/valid/?", "method/health/valid/10", false),
        ("stream/chat-ordering", "stream/chat-ordering", true),
        ("*", "event/tick/payload", true),
    ])
    func globs(pattern: String, id: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(id) == matches)
    }

    static let report = ConformanceReport(
        target: "ws://127.0.0.1:1/", startedAt: Date(timeIntervalSince1970: 0), durationMs: 1500,
        results: [
            CaseResult(id: "protocol/challenge-first", group: "protocol", summary: "", outcome: .fail, reason: "no connect.challenge: the first frame was a response (ok)", excerpt: "{\"type\":\"res\"}"),
            CaseResult(id: "method/health/valid/0", group: "health", summary: "", outcome: .pass),
            CaseResult(id: "stream/chat-ordering", group: "stream", summary: "", outcome: .skip, reason: "--skip-model: needs a model reply"),
        ])

    @Test("the final line is exactly `N passed, N failed`, with `, N skipped` only when some were")
    func finalLine() {
        #expect(TextReport.finalLine(Self.report) == "1 passed, 1 failed, 1 skipped")
        var noSkips = Self.report
        noSkips.results.removeLast()
        #expect(TextReport.finalLine(noSkips) == "1 passed, 1 failed")
    }

    @Test("a failure's line has the reason and the offending frame; the table has a row per group")
    func linesAndTable() {
        #expect(TextReport.line(Self.report.results[0]) ==
            "FAIL  protocol/challenge-first — no connect.challenge: the first frame was a response (ok)\n      frame: {\"type\":\"res\"}")
        let table = TextReport.table(Self.report).split(separator: "\n").map(String.init)
        #expect(table == [
            "group    cases  pass  fail  skip",
            "protocol     1     0     1     0",
            "health       1     1     0     0",
            "stream       1     0     0     1",
        ])
    }

    @Test("the JSON report follows its documented schema")
    func json() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: JSONReport.render(Self.report)) as? [String: Any])
        #expect(object["schema"] as? String == "kubeclaw-conformance-report/1")
        #expect(Set(object.keys) == ["schema", "suite", "gateway", "startedAt", "durationMs", "totals", "score", "preflight", "results", "unknownEvents"]
            || Set(object.keys) == ["schema", "suite", "gateway", "startedAt", "durationMs", "totals", "score", "results", "unknownEvents"])
        #expect((object["suite"] as? [String: Any])?["version"] as? String == ConformanceSuite.version)
        #expect((object["gateway"] as? [String: Any])?["url"] as? String == "ws://127.0.0.1:1/")
        #expect((object["gateway"] as? [String: Any])?["protocol"] as? Int == ConformanceSuite.newestProtocol)
        let totals = try #require(object["totals"] as? [String: Int])
        #expect(totals == ["passed": 1, "failed": 1, "skipped": 1, "blocked": 0, "knownFailures": 0])
        #expect(object["score"] as? Double == 0.5)
        let first = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "protocol/challenge-first")
        #expect(first["verdict"] as? String == "fail")
        #expect(first["detail"] as? String == "no connect.challenge: the first frame was a response (ok)")
        #expect(first["frame"] as? String == "{\"type\":\"res\"}")
        #expect(first["durationMs"] as? Int == 0)
    }

    @Test("JUnit XML: a testsuite per group, a failure with its frame, skips and blocked cases as skipped, markup escaped")
    func junit() throws {
        var report = Self.report
        report.results.append(CaseResult(id: "method/health/valid/1", group: "health", summary: "", outcome: .blocked, reason: "blocked by the preflight: tcp — <refused> & \"gone\""))
        let xml = JUnitReport.render(report)
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "4")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "2")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["protocol", "health", "stream"])
        let failure = try #require(suites[0].elements(forName: "testcase").first?.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "no connect.challenge: the first frame was a response (ok)")
        #expect(failure.stringValue == "{\"type\":\"res\"}")
        let blocked = try #require(suites[1].elements(forName: "testcase").last?.elements(forName: "skipped").first)
        #expect(blocked.attribute(forName: "message")?.stringValue == "blocked by the preflight: tcp — <refused> & \"gone\"")
    }

    @Test("HTML: one page with the score, the table, each failure with its frame, escaped")
    func html() {
        var report = Self.report
        report.results[0].excerpt = "{\"payload\":\"<script>alert(1)</script>\"}"
        let page = HTMLReport.render(report)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<p class=\"score\">50.0 %</p>"))
        #expect(page.contains("<h3><code>protocol/challenge-first</code></h3>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script>"))
        #expect(!page.contains("src=") && !page.contains("href="), "self-contained")
    }

    @Test("a baseline: listed failures are known, a listed pass is stale, an unlisted failure is new; the exit status follows")
    func baseline() {
        let listed = Baseline.parse("""
            # known failures
            protocol/challenge-first   # no challenge yet

            method/health/valid/0
            method/gone/valid/0
            """, file: "baseline.txt")
        #expect(listed.ids == ["protocol/challenge-first", "method/health/valid/0", "method/gone/valid/0"])
        let outcome = listed.judge(Self.report)
        #expect(outcome.knownFailures == ["protocol/challenge-first"])
        #expect(outcome.stale == ["method/health/valid/0"])
        #expect(outcome.newFailures == [])
        #expect(outcome.notJudged == ["method/gone/valid/0"])
        #expect(ConformanceExitStatus.of(Self.report, baseline: outcome) == .staleBaseline)
        #expect(ConformanceExitStatus.of(Self.report) == .failed)
        let current = Baseline.parse(Baseline.render(Self.report), file: "written")
        #expect(current.ids == ["protocol/challenge-first"])
        #expect(ConformanceExitStatus.of(Self.report, baseline: current.judge(Self.report)) == .passed)
        let empty = Baseline.parse("", file: "empty").judge(Self.report)
        #expect(empty.newFailures == ["protocol/challenge-first"])
        #expect(ConformanceExitStatus.of(Self.report, baseline: empty) == .failed)
        let xml = JUnitReport.render(Self.report, baseline: outcome)
        #expect(xml.contains("known failure (baseline)"))
        #expect(xml.contains("type=\"stale-baseline\""))
    }

    @Test("progress lines count the cases; a blocked case has its own label and column")
    func progressAndBlocked() {
        let blocked = CaseResult(id: "method/health/valid/1", group: "health", summary: "", outcome: .blocked, reason: "blocked by the preflight: upgrade — no 101 within 5 s")
        #expect(TextReport.progressLine(blocked, position: 7, total: 110) == "[  7/110] BLOCKED  method/health/valid/1 — blocked by the preflight: upgrade — no 101 within 5 s")
        var report = Self.report
        report.results.append(blocked)
        #expect(TextReport.finalLine(report) == "1 passed, 1 failed, 1 skipped, 1 blocked")
        #expect(TextReport.table(report).split(separator: "\n").first == "group    cases  pass  fail  skip  blocked")
        #expect(ConformanceExitStatus.of(report) == .blocked)
    }
}

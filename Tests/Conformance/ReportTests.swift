import Conformance
import Foundation
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

    @Test("the JSON report has every result and the totals")
    func json() throws {
        let object = try JSONSerialization.jsonObject(with: Self.report.json()) as? [String: Any]
        #expect(object?["passed"] as? Int == 1)
        #expect(object?["failed"] as? Int == 1)
        #expect(object?["skipped"] as? Int == 1)
        #expect((object?["results"] as? [[String: Any]])?.first?["outcome"] as? String == "fail")
    }
}

import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// The mutation table: each injected defect fails exactly the cases that check the broken rule,
/// and each failure names it; every case kind of the suite is caught by at least one defect.
/// docs/conformance.md shows the table generated from ``expectations``.
extension GatewayConformanceTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var defect: Defect
        /// The cases that must fail.
        var failing: Set<String>
        /// Every failure's reason contains one of these.
        var messages: [String]
        /// Cases outside `failing` may fail too, naming the defect: a broken event fails whichever
        /// case it arrived during, and broadcast events arrive where timing puts them.
        var othersMayFail = false
        var testDescription: String { defect.rawValue }
    }

    /// The profile the table is measured on: the newest protocol.
    static let profile = ConformanceSuite.cases.filter { $0.protocols.contains(ConformanceSuite.newestProtocol) }

    /// The ids of the profile's cases of these kinds.
    static func cases(ofKinds kinds: Set<String>) -> Set<String> {
        Set(profile.filter { kinds.contains($0.kindName) }.map(\.id))
    }

    /// The ids of the profile's cases whose rejection expects a `details` member other than `value`.
    static func cases(expectingDetail pointer: String, otherThan value: String) -> Set<String> {
        Set(profile.filter { testCase in
            let rejection: ConformanceRejection? = switch testCase.kind {
            case .invalidExample(_, let rejection, _), .connectRejected(_, let rejection): rejection
            default: nil
            }
            return rejection?.details.contains { $0.pointer == pointer && $0.value != value } == true
        }.map(\.id))
    }

    /// The ids of the profile's cases that demand an `error.details.code`.
    static var casesDemandingDetailsCode: Set<String> {
        Set(profile.filter { testCase in
            switch testCase.kind {
            case .rejectedCredentials(_, let rejection), .protocolMismatch(_, _, let rejection): rejection.detailsCode != nil
            default: false
            }
        }.map(\.id))
    }

    static let expectations: [Expectation] = [
        Expectation(
            defect: .helloOkFieldTypeWrong,
            failing: ["method/connect/valid/0", "method/connect/valid/1", "method/connect/valid/2", "protocol/negotiate-4", "protocol/negotiate-newest"],
            messages: ["hello-ok result (HelloOk) at /policy/maxPayload: must be integer"]),
        Expectation(defect: .noChallenge, failing: ["protocol/challenge-first"], messages: ["no connect.challenge"]),
        Expectation(defect: .seqGoesBackwards, failing: ["protocol/seq-increasing"], messages: [" after "]),
        Expectation(defect: .noFinalEvent, failing: ["stream/chat-ordering", "stream/order/end-before-final"], messages: ["final"]),
        Expectation(
            defect: .finalBeforeLastDelta, failing: ["stream/chat-ordering"], messages: ["`chat` delta event after the run ended with final"]),
        Expectation(
            defect: .abortedReportedAsFinal, failing: ["stream/abort-during-stream"], messages: ["ended final, not aborted"]),
        Expectation(
            defect: .resultFieldRenamed, failing: ["method/health/valid/0", "method/health/valid/1"],
            messages: ["health result (HealthSummary) at /: must have required property 'heartbeatSeconds'"]),
        Expectation(
            defect: .resultFieldMissing, failing: ["method/health/valid/0", "method/health/valid/1"],
            messages: ["health result (HealthSummary) at /: must have required property 'sessions'"]),
        Expectation(
            defect: .errorCodeSwapped,
            failing: cases(ofKinds: ["requestBeforeConnect", "unknownMethod", "malformedFrame", "binaryFrame", "invalidExample", "connectRejected"]),
            messages: ["UNAVAILABLE"]),
        Expectation(
            defect: .closeCodeSwapped,
            failing: cases(ofKinds: ["requestBeforeConnect", "rejectedCredentials", "protocolMismatch", "oversizeMessage", "connectRejected"]),
            messages: ["closed with 1000"]),
        Expectation(defect: .extraClose, failing: ["protocol/unknown-method"], messages: ["closed with 1011 \"closed by the defect\""]),
        Expectation(defect: .longIdsCut, failing: ["protocol/response-id-echo"], messages: ["no response with id"]),
        Expectation(
            // With earlier exchanges in the session an older user message comes after this run's;
            // alone (`--only`), the reply comes before the message it answers.
            defect: .historyReversed, failing: ["stream/history-contains-exchange"],
            messages: ["messages must be oldest first", "assistant reply after it missing"]),
        Expectation(
            defect: .detailsPathLost, failing: cases(expectingDetail: "/path", otherThan: #""/""#),
            messages: ["expected error details.path"]),
        Expectation(defect: .detailsCodeDropped, failing: casesDemandingDetailsCode, messages: ["expected error details.code"]),
        Expectation(
            defect: .lateClose, failing: ["protocol/protocol-range-above", "protocol/protocol-range-below"],
            messages: ["the connection stayed open 8 s after the INVALID_REQUEST response; expected close 1002"]),
        Expectation(
            defect: .eventFieldTypeWrong,
            failing: cases(ofKinds: ["chatOrdering", "abortDuringStream", "historyContainsExchange", "eventOrder"]).union(["event/chat/payload"]),
            messages: ["`chat` event payload (ChatEvent) at /runId: must be string", "no final event", "no `chat` event for run", "never arrived"],
            othersMayFail: true),
    ]

    @Test("an injected defect fails exactly the right cases, naming the defect", arguments: expectations)
    func defectIsNamed(_ expectation: Expectation) async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: expectation.defect) { proxy in
                var configuration = Self.configuration(proxy.url, token: gateway.token)
                // A missing challenge costs every connection this grace; keep the run short.
                configuration.challengeGrace = .milliseconds(100)
                configuration.timeout = .seconds(8)
                configuration.protocolVersion = ConformanceSuite.newestProtocol
                let report = await ConformanceRunner(configuration: configuration).run()
                print("\(expectation.defect): \(TextReport.finalLine(report)) in \(report.durationMs) ms")
                let failed = Set(report.failures.map(\.id))
                let detail = report.failures.map(TextReport.line).joined(separator: "\n")
                if expectation.othersMayFail {
                    #expect(expectation.failing.isSubset(of: failed), "not failed: \(expectation.failing.subtracting(failed).sorted())\n\(detail)")
                } else {
                    #expect(failed == expectation.failing, "unexpected: \(failed.subtracting(expectation.failing).sorted()), missing: \(expectation.failing.subtracting(failed).sorted())\n\(detail)")
                }
                for failure in report.failures {
                    #expect(expectation.messages.contains { failure.reason?.contains($0) == true }, "\(TextReport.line(failure))")
                }
            }
        }
    }

    @Test("every case kind of the suite is caught by at least one defect of the table")
    func everyKindIsCaught() {
        let caught = Set(Self.expectations.flatMap { expectation in
            Self.profile.filter { expectation.failing.contains($0.id) }.map(\.kindName)
        })
        let kinds = Set(Self.profile.map(\.kindName))
        #expect(kinds.subtracting(caught).isEmpty, "no defect catches: \(kinds.subtracting(caught).sorted())")
        for expectation in Self.expectations {
            #expect(expectation.failing.isSubset(of: Set(Self.profile.map(\.id))), "\(expectation.defect): ids outside the suite")
        }
    }

    @Test("docs/conformance.md shows the mutation table generated from the expectations (KUBECLAW_RECORD_DOCS=1 rewrites it)")
    func mutationTableInDocs() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/conformance.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = "<!-- mutation-table:start (generated by DefectDetectionTests; KUBECLAW_RECORD_DOCS=1 swift test --filter mutationTableInDocs) -->\n"
        let end = "<!-- mutation-table:end -->"
        let table = Self.mutationTable()
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
            Issue.record("docs/conformance.md has no mutation-table markers")
            return
        }
        let current = String(text[from.upperBound..<to.lowerBound])
        if ProcessInfo.processInfo.environment["KUBECLAW_RECORD_DOCS"] != nil, current != table {
            try text.replacingCharacters(in: from.upperBound..<to.lowerBound, with: table).write(to: docs, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == table, "docs/conformance.md's mutation table is stale; record it with KUBECLAW_RECORD_DOCS=1")
    }

    @Test("seq going backwards is reported with both numbers")
    func seqDefectNamesNumbers() async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: .seqGoesBackwards) { proxy in
                var configuration = Self.configuration(proxy.url, token: gateway.token)
                configuration.only = ["protocol/seq-increasing"]
                let report = await ConformanceRunner(configuration: configuration).run()
                let reason = try #require(report.result("protocol/seq-increasing")?.reason)
                #expect(reason.range(of: #"^seq \d+ after \d+ on one connection"#, options: .regularExpression) != nil, "\(reason)")
                #expect(report.result("protocol/seq-increasing")?.excerpt?.contains("\"seq\"") == true)
            }
        }
    }

    @Test("a gateway that refuses everything after the handshake fails every invalid-example case: the follow-up request is refused too")
    func refusingEverythingFailsInvalidExamples() async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: .refusesEverything) { proxy in
                var configuration = Self.configuration(proxy.url, token: gateway.token)
                configuration.only = ["method/*/invalid/*"]
                let report = await ConformanceRunner(configuration: configuration).run()
                let invalidExamples = report.results.filter { result in
                    ConformanceSuite.cases.contains { if case .invalidExample = $0.kind { $0.id == result.id } else { false } }
                }
                #expect(invalidExamples.count > 20)
                for result in invalidExamples {
                    #expect(result.outcome == .fail, "\(TextReport.line(result))")
                    #expect(result.reason?.contains("response, `health` was answered INVALID_REQUEST: refused by the defect") == true, "\(TextReport.line(result))")
                }
            }
        }
    }

    /// The table as docs/conformance.md shows it.
    static func mutationTable() -> String {
        var lines = [
            "| defect | mutation | injected | cases that must fail | case kinds caught | each failure names |",
            "|---|---|---|---:|---|---|",
        ]
        for expectation in expectations {
            let mutation = expectation.defect.mutation
            let kinds = Set(profile.filter { expectation.failing.contains($0.id) }.map(\.kindName)).sorted()
            let count = "\(expectation.failing.count)" + (expectation.othersMayFail ? "+" : "")
            let names = expectation.messages.map { "`\($0.replacingOccurrences(of: "`", with: "'"))`" }.joined(separator: " / ")
            lines.append("| `\(expectation.defect.rawValue)` | \(mutation.kind) | \(mutation.injected) | \(count) | \(kinds.joined(separator: ", ")) | \(names) |")
        }
        let kinds = Set(profile.map(\.kindName)).count
        lines.append("")
        lines.append("\(expectations.count) defects, \(expectations.reduce(0) { $0 + $1.failing.count }) must-fail cases in all; "
            + "every one of the \(kinds) case kinds of the protocol \(ConformanceSuite.newestProtocol) profile (\(profile.count) cases) is caught by at least one. "
            + "`+`: other cases that happened to see the broken event may fail too, naming it.")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ConformanceCase {
    /// The name of the case's kind (`invalidExample`, `chatOrdering`, …).
    var kindName: String {
        Mirror(reflecting: kind).children.first?.label ?? "\(kind)"
    }
}

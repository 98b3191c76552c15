import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// Each injected defect fails exactly the cases that check the broken rule, and the failure
/// names the defect.
extension GatewayConformanceTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var defect: Defect
        /// The cases that must fail, and nothing else.
        var failing: Set<String>
        /// Every failure's reason must contain this.
        var message: String
        var testDescription: String { defect.rawValue }
    }

    static let expectations: [Expectation] = [
        Expectation(
            defect: .helloOkFieldTypeWrong,
            failing: [
                "method/connect/valid/0", "method/connect/valid/1", "method/connect/valid/2", "protocol/negotiate-4",
                "protocol/negotiate-newest",
            ],
            message: "hello-ok result (HelloOk) at /policy/maxPayload: must be integer"),
        Expectation(defect: .noChallenge, failing: ["protocol/challenge-first"], message: "no connect.challenge"),
        Expectation(defect: .seqGoesBackwards, failing: ["protocol/seq-increasing"], message: " after "),
        Expectation(
            defect: .noFinalEvent, failing: ["stream/chat-ordering", "stream/order/end-before-final"],
            message: "final"),
    ]

    @Test("an injected defect fails exactly the right cases, naming the defect", arguments: expectations)
    func defectIsNamed(_ expectation: Expectation) async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: expectation.defect) { proxy in
                var configuration = Self.configuration(proxy.url, token: gateway.token)
                // A missing challenge costs every connection this grace; keep the run short.
                configuration.challengeGrace = .milliseconds(100)
                configuration.timeout = .seconds(8)
                let report = await ConformanceRunner(configuration: configuration).run()
                print("\(expectation.defect): \(TextReport.finalLine(report)) in \(report.durationMs) ms; slowest: " + report.results.sorted { $0.durationMs > $1.durationMs }.prefix(4).map { "\($0.id) \($0.durationMs) ms" }.joined(separator: ", "))
                let failures = report.failures
                #expect(Set(failures.map(\.id)) == expectation.failing, "\(failures.map(TextReport.line).joined(separator: "\n"))")
                for failure in failures {
                    #expect(failure.reason?.contains(expectation.message) == true, "\(TextReport.line(failure))")
                }
                #expect(TextReport.finalLine(report).contains(", \(expectation.failing.count) failed"))
            }
        }
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
}

extension GatewayConformanceTests {
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
}

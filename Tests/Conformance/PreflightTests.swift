import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// The preflight: a gateway that cannot be tested is explained once, and the cases that need
/// what failed are `blocked` instead of timing out one by one.
extension GatewayConformanceTests {
    @Test("a gateway whose handshake never completes: one explanation, every case blocked, exit status 3")
    func silentGatewayIsExplainedOnce() async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: .silent) { proxy in
                let configuration = Self.configuration(proxy.url, token: gateway.token)
                let runner = ConformanceRunner(configuration: configuration)
                let report = await runner.run()
                let preflight = try #require(report.preflight)
                #expect(preflight.level == .unreachable)
                #expect(preflight.failedStep?.step == .connect)
                #expect(preflight.steps.map(\.step) == [.tcp, .upgrade, .challenge, .connect])
                #expect(preflight.steps.first { $0.step == .challenge }?.ok == false)
                let explanation = try #require(preflight.explanation)
                #expect(explanation.contains("the handshake never completes: no connect.challenge arrived and `connect` got no answer"), "\(explanation)")
                #expect(report.results.count == ConformanceSuite.cases.filter { $0.protocols.contains(configuration.protocolVersion) }.count)
                #expect(report.results.allSatisfy { $0.outcome == .blocked }, "\(report.results.filter { $0.outcome != .blocked }.map(TextReport.line))")
                #expect(report.results.allSatisfy { $0.durationMs == 0 }, "no case ran")
                // Bounded by the preflight's own limits, whatever the cases' timeout.
                #expect(.milliseconds(report.durationMs) <= runner.preflightLimit + .seconds(5))
                #expect(ConformanceExitStatus.of(report) == .blocked)
                #expect(TextReport.preflight(preflight).contains("preflight connect: FAILED — no answer to connect within"))
                #expect(TextReport.finalLine(report) == "0 passed, 0 failed, \(report.results.count) blocked")
            }
        }
    }

    @Test("a wrong token: the refusal cases run and pass, the cases that need a session are blocked")
    func wrongTokenBlocksSessionCases() async throws {
        try await withConformanceGateway { gateway in
            var configuration = Self.configuration(gateway.url, token: gateway.token + "-wrong")
            configuration.only = ["protocol/*", "method/connect/invalid/*", "method/health/*"]
            let report = await ConformanceRunner(configuration: configuration).run()
            let preflight = try #require(report.preflight)
            #expect(preflight.level == .webSocket)
            #expect(preflight.explanation?.contains("Check --token") == true, "\(preflight.explanation ?? "")")
            #expect(preflight.explanation?.contains("refused the runner's connect (INVALID_REQUEST") == true, "\(preflight.explanation ?? "")")
            #expect(preflight.excerpt?.hasPrefix("{") == true, "the refusal's frame, for the report")
            for result in report.results {
                let testCase = try #require(ConformanceSuite.cases.first { $0.id == result.id })
                switch testCase.kind {
                case .challengeFirst, .requestBeforeConnect, .protocolMismatch, .connectRejected:
                    #expect(result.outcome == .pass, "\(TextReport.line(result))")
                case .rejectedCredentials:
                    // The runner's "right" token is wrong too: the wrong-token case cannot tell them apart, but still sees a refusal.
                    #expect(result.outcome != .blocked, "\(TextReport.line(result))")
                default:
                    #expect(result.outcome == .blocked, "\(TextReport.line(result))")
                    #expect(result.reason?.contains("blocked by the preflight: connect — refused: INVALID_REQUEST") == true, "\(result.reason ?? "")")
                }
            }
            #expect(report.passed > 0 && report.blocked > 0)
        }
    }

    @Test("without --protocol the run speaks the newest version the gateway accepts, and runs that profile")
    func negotiatesTheNewestVersion() async throws {
        try await withConformanceGateway { gateway in
            var configuration = Self.configuration(gateway.url, token: gateway.token)
            configuration.protocolVersion = 3
            configuration.negotiatesProtocol = true
            configuration.only = ["protocol/*"]
            let report = await ConformanceRunner(configuration: configuration).run()
            #expect(report.preflight?.negotiatedProtocol == ConformanceSuite.newestProtocol)
            #expect(report.protocolVersion == ConformanceSuite.newestProtocol)
            #expect(report.serverVersion != nil)
            let profile = ConformanceSuite.cases.filter { $0.id.hasPrefix("protocol/") && $0.protocols.contains(ConformanceSuite.newestProtocol) }
            #expect(report.results.map(\.id) == profile.map(\.id))
            #expect(report.failed == 0, "\(report.failures.map(TextReport.line))")
        }
    }
}

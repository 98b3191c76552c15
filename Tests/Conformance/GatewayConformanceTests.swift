import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// The generated conformance suite against our gateway over a real loopback socket, and the
/// proof that it fails — naming the defect — against a gateway that breaks the protocol.
///
/// Serialized: every test runs a gateway, a simulated model and a full suite; in parallel on
/// a small CI machine they would compete for the timing the stream cases rely on.
@Suite(.serialized) struct GatewayConformanceTests {
    static func configuration(_ url: URL, token: String?) -> ConformanceConfiguration {
        var configuration = ConformanceConfiguration(url: url, token: token)
        configuration.timeout = .seconds(15)
        return configuration
    }

    @Test("our gateway passes every generated case, speaking each protocol version", arguments: ConformanceSuite.protocols)
    func ourGatewayPassesEveryCase(protocolVersion: Int) async throws {
        try await withConformanceGateway { gateway in
            var configuration = Self.configuration(gateway.url, token: gateway.token)
            configuration.protocolVersion = protocolVersion
            let report = await ConformanceRunner(configuration: configuration).run()
            print(TextReport.render(report))
            // The version's profile: its cases ran, the other version's are not in the report.
            let profile = ConformanceSuite.cases.filter { $0.protocols.contains(protocolVersion) }.map(\.id)
            #expect(profile.count < ConformanceSuite.cases.count, "some cases apply to one version only")
            #expect(report.results.map(\.id) == profile, "every case of protocol \(protocolVersion) ran, and only those")
            #expect(report.protocolVersion == protocolVersion)
            #expect(report.preflight?.level == .handshake)
            #expect(report.failures.map(\.id) == [], "\(report.failures.map(TextReport.line).joined(separator: "\n"))")
            // The run waited for a tick and connected a Control UI client for presence; only the
            // gateway's own shutdown needs what an in-process gateway cannot be given (a
            // --shutdown-command: ConformanceStrictRunTests runs that against `kubeclaw serve`).
            let skipped = report.results.filter { $0.outcome == .skip }
            #expect(skipped.map(\.id) == ["event/shutdown/payload"], "\(skipped.map(TextReport.line))")
            #expect(skipped.first?.reason?.contains("--shutdown-command") == true)
            #expect(report.result("event/presence/payload")?.outcome == .pass)
            #expect(report.result("event/tick/payload")?.outcome == .pass)
            #expect(TextReport.finalLine(report).hasPrefix("\(report.passed) passed, 0 failed"))
        }
    }

    @Test("without a token and without a model, the cases that need them are skipped, the rest still run")
    func skipsNeedAuthAndNeedModelCases() async throws {
        try await withConformanceGateway { gateway in
            var configuration = Self.configuration(gateway.url, token: gateway.token)
            configuration.skipModel = true
            configuration.only = ["protocol/*", "stream/*", "method/chat.send/*"]
            let report = await ConformanceRunner(configuration: configuration).run()
            let modelCases = ConformanceSuite.cases.filter { $0.flags.contains(.needsModel) }.map(\.id)
            #expect(!modelCases.isEmpty)
            for id in modelCases {
                #expect(report.result(id)?.outcome == .skip, "\(id) needs a model")
            }
            #expect(report.failed == 0, "\(report.failures.map(TextReport.line))")

            // --strict: a case that could not judge fails the run.
            configuration.strict = true
            configuration.only = ["method/chat.send/*"]
            let strict = await ConformanceRunner(configuration: configuration).run()
            #expect(strict.skipped == 0)
            for id in modelCases where id.hasPrefix("method/chat.send/") {
                #expect(strict.result(id)?.outcome == .fail, "\(id)")
                #expect(strict.result(id)?.reason == "skipped, and --strict allows no skip: --skip-model: needs a model reply")
            }
            #expect(ConformanceExitStatus.of(strict) == .failed)
            configuration.strict = false

            configuration.token = nil
            configuration.only = ["protocol/*-token"]
            let anonymous = await ConformanceRunner(configuration: configuration).run()
            #expect(anonymous.results.map(\.outcome) == [.skip, .skip])
        }
    }
}

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
            #expect(report.results.count == ConformanceSuite.cases.count, "every case ran")
            #expect(report.failures.map(\.id) == [], "\(report.failures.map(TextReport.line).joined(separator: "\n"))")
            // Only events no case can provoke in a short run, and cases of the other version, may be skipped.
            let otherVersion = Set(ConformanceSuite.cases.filter { !$0.protocols.contains(protocolVersion) }.map(\.id))
            #expect(!otherVersion.isEmpty, "some cases apply to one version only")
            let skipped = report.results.filter { $0.outcome == .skip }.map(\.id)
            let allowed = otherVersion.union(["event/tick/payload", "event/shutdown/payload", "event/presence/payload"])
            #expect(Set(skipped).isSubset(of: allowed), "skipped: \(Set(skipped).subtracting(allowed))")
            for id in otherVersion {
                #expect(report.result(id)?.reason?.contains("applies to protocol") == true, "\(id)")
            }
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

            configuration.token = nil
            configuration.only = ["protocol/*-token"]
            let anonymous = await ConformanceRunner(configuration: configuration).run()
            #expect(anonymous.results.map(\.outcome) == [.skip, .skip])
        }
    }
}

import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// A tool for adding a defect to the mutation table: runs the whole suite through the proxy for
/// each defect named in `KUBECLAW_MUTATION_DISCOVERY` (comma-separated, or `all`) and prints
/// every case that did not pass, with its reason — what an ``GatewayConformanceTests/Expectation``
/// is then written from. Off unless the variable is set.
extension GatewayConformanceTests {
    @Test("mutation discovery: print what each defect fails", .enabled(if: ProcessInfo.processInfo.environment["KUBECLAW_MUTATION_DISCOVERY"] != nil),
          arguments: Defect.allCases)
    func discover(_ defect: Defect) async throws {
        let only = ProcessInfo.processInfo.environment["KUBECLAW_MUTATION_DISCOVERY"] ?? ""
        guard only == "all" || only.split(separator: ",").contains(Substring(defect.rawValue)) else { return }
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: defect) { proxy in
                var configuration = Self.configuration(proxy.url, token: gateway.token)
                configuration.challengeGrace = .milliseconds(100)
                configuration.timeout = .seconds(8)
                let report = await ConformanceRunner(configuration: configuration).run()
                var lines = ["defect \(defect.rawValue): \(TextReport.finalLine(report)) in \(report.durationMs) ms"]
                for result in report.results where result.outcome != .pass && result.outcome != .skip {
                    lines.append("  \(result.outcome.rawValue) \(result.id) — \(result.reason ?? "")")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}

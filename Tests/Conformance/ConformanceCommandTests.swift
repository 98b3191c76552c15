import Conformance
import Foundation
import GeneratedProtocol
import Testing

/// `kubeclaw conformance`, run as a user runs it: the binary, a URL, a token.
extension GatewayConformanceTests {
    /// The `kubeclaw` binary next to the test bundle (SwiftPM builds it for this target).
    static var kubeclawBinary: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var directory = testBinary.deletingLastPathComponent()
            // macOS runs tests from inside an .xctest bundle.
            while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
            let candidates = [
                directory.appendingPathComponent("kubeclaw"),
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent(".build/debug/kubeclaw"),
            ]
            return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "kubeclaw binary not found near \(testBinary.path)")
        }
    }

    /// Runs `kubeclaw` with `arguments`; returns its exit status and standard output.
    static func kubeclaw(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try kubeclawBinary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENCLAW_GATEWAY_TOKEN"] = nil
        process.environment = environment
        // Output goes to a file, read once the process ended: Foundation's reading of a pipe
        // (`readDataToEndOfFile`) traps when a signal interrupts the read.
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Polled, not waitUntilExit(): a blocked thread of the cooperative pool (two on two
        // cores) would stall every other test while the command runs.
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try output.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outputURL), as: UTF8.self))
    }

    @Test("kubeclaw conformance passes against our gateway: exit 0, a line per case, a table, the final line, a JSON report")
    func commandPassesAgainstOurGateway() async throws {
        try await withConformanceGateway { gateway in
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: json) }
            let (status, output) = try await Self.kubeclaw([
                "conformance", "--url", gateway.url.absoluteString, "--token", gateway.token,
                "--only", "protocol/*", "--only", "method/health/*", "--timeout", "15", "--json", json.path,
            ])
            #expect(status == 0, "\(output)")
            let lines = output.split(separator: "\n").map(String.init)
            let selected = ConformanceSuite.cases.filter { $0.id.hasPrefix("protocol/") || $0.id.hasPrefix("method/health/") }
            // The runner speaks protocol 4 by default; the cases of protocol 3 only are skipped.
            let applicable = selected.filter { $0.protocols.contains(ConformanceSuite.newestProtocol) }
            #expect(applicable.count < selected.count, "protocol/negotiate-3 applies to protocol 3 only")
            #expect(lines.filter { $0.hasPrefix("PASS  ") }.count == applicable.count, "\(output)")
            #expect(lines.contains { $0.hasPrefix("health ") }, "the table has a row per method")
            #expect(lines.last == "\(applicable.count) passed, 0 failed, \(selected.count - applicable.count) skipped", "\(output)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
            #expect(report?["failed"] as? Int == 0)
            #expect((report?["results"] as? [Any])?.count == selected.count)
        }
    }

    @Test("kubeclaw conformance exits 1 against each defective gateway and names the defect", arguments: expectations)
    func commandFailsAgainstADefect(_ expectation: Expectation) async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: expectation.defect) { proxy in
                let (status, output) = try await Self.kubeclaw(
                    ["conformance", "--url", proxy.url.absoluteString, "--token", gateway.token, "--timeout", "8"]
                        + expectation.failing.sorted().flatMap { ["--only", $0] })
                #expect(status == 1, "\(output)")
                let failures = output.split(separator: "\n").filter { $0.hasPrefix("FAIL  ") }
                #expect(failures.count == expectation.failing.count, "\(output)")
                for failure in failures {
                    #expect(failure.contains(expectation.message), "\(failure)")
                }
                #expect(output.split(separator: "\n").last == "0 passed, \(expectation.failing.count) failed", "\(output)")
            }
        }
    }
}

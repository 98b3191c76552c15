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

    /// The lines of a run's output that report a case (`[ 3/20] PASS  …`), without the counter.
    static func caseLines(_ output: String) -> [Substring] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("["), let end = line.firstIndex(of: "]") else { return nil }
            return line[line.index(end, offsetBy: 2)...]
        }
    }

    @Test("kubeclaw conformance passes against our gateway: exit 0, the preflight, a line per case, a table, the final line, JSON, JUnit and HTML")
    func commandPassesAgainstOurGateway() async throws {
        try await withConformanceGateway { gateway in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let (status, output) = try await Self.kubeclaw([
                "conformance", "--url", gateway.url.absoluteString, "--token", gateway.token,
                "--only", "protocol/*", "--only", "method/health/*", "--timeout", "15", "--strict",
                "--json", directory.appendingPathComponent("r.json").path, "--junit", directory.appendingPathComponent("r.xml").path,
                "--html", directory.appendingPathComponent("r.html").path,
            ])
            #expect(status == 0, "\(output)")
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first == "preflight tcp: ok — connected to 127.0.0.1:\(gateway.url.port ?? 0)" + lines[0].suffix(from: lines[0].range(of: " (")!.lowerBound), "\(output)")
            #expect(lines.contains { $0.hasPrefix("preflight connect: ok — hello-ok, protocol \(ConformanceSuite.newestProtocol)") }, "\(output)")
            // Without --protocol the run speaks the newest version the gateway accepts: that profile runs, and nothing else.
            let profile = ConformanceSuite.cases.filter {
                ($0.id.hasPrefix("protocol/") || $0.id.hasPrefix("method/health/")) && $0.protocols.contains(ConformanceSuite.newestProtocol)
            }
            let cases = Self.caseLines(output)
            #expect(cases.count == profile.count, "\(output)")
            #expect(cases.allSatisfy { $0.hasPrefix("PASS  ") }, "\(output)")
            #expect(lines.contains { $0.hasPrefix("[1/\(profile.count)] PASS  ") || $0.hasPrefix("[ 1/\(profile.count)] PASS  ") }, "progress counts the cases")
            #expect(lines.contains { $0.hasPrefix("health ") }, "the table has a row per method")
            #expect(lines.last == "\(profile.count) passed, 0 failed", "\(output)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json"))) as? [String: Any])
            #expect(report["schema"] as? String == "kubeclaw-conformance-report/1")
            #expect((report["totals"] as? [String: Int])?["failed"] == 0)
            #expect((report["results"] as? [Any])?.count == profile.count)
            let junit = try String(contentsOf: directory.appendingPathComponent("r.xml"), encoding: .utf8)
            #expect(junit.contains(#"<testsuites name="kubeclaw conformance" tests="\#(profile.count)" failures="0" skipped="0""#), "\(junit.prefix(300))")
            let html = try String(contentsOf: directory.appendingPathComponent("r.html"), encoding: .utf8)
            #expect(html.contains("<p class=\"score\">100.0 %</p>"))
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
                let failures = Self.caseLines(output).filter { $0.hasPrefix("FAIL  ") }
                #expect(failures.count == expectation.failing.count, "\(output)")
                for failure in failures {
                    #expect(expectation.messages.contains { failure.contains($0) }, "\(failure)")
                }
                #expect(output.split(separator: "\n").last == "0 passed, \(expectation.failing.count) failed", "\(output)")
            }
        }
    }

    @Test("kubeclaw conformance against a gateway whose handshake never completes: one explanation, exit 3, within the preflight's limit")
    func commandExplainsASilentGateway() async throws {
        try await withConformanceGateway { gateway in
            try await DefectiveGateway.with(upstream: gateway.url, defect: .silent) { proxy in
                let started = ContinuousClock.now
                let (status, output) = try await Self.kubeclaw(["conformance", "--url", proxy.url.absoluteString, "--token", gateway.token])
                let elapsed = ContinuousClock.now - started
                #expect(status == 3, "\(output)")
                let explanations = output.split(separator: "\n").filter { $0.hasPrefix("The gateway cannot be tested: the handshake never completes") }
                #expect(explanations.count == 1, "\(output)")
                #expect(Self.caseLines(output).allSatisfy { $0.hasPrefix("BLOCKED  ") }, "\(output)")
                // The preflight's limits (3 + 5 + 0.75 + 8 s) bound the run, not 30 s per case;
                // the slack is for process start on a loaded machine.
                #expect(elapsed < .seconds(60), "took \(elapsed)")
                print("silent gateway: kubeclaw conformance ended in \(elapsed)")
            }
        }
    }
}

import Conformance
import Foundation
import Testing

/// The conformance issue's "done when", as a user runs it: `kubeclaw conformance --strict` with
/// JUnit and HTML output against `kubeclaw serve` (a real process, its default tick interval, a
/// simulated model at a model's pace), speaking protocol 3 and then 4: every case of the
/// profile passes, none is skipped — the run waits for a `tick`, connects a Control UI client
/// for `presence`, and stops the gateway with `--shutdown-command` for `shutdown` and its close.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ConformanceStrictRunTests {
    @Test("kubeclaw conformance --strict passes against kubeclaw serve with no skip", arguments: [3, 4])
    func strictRunPasses(protocolVersion: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-strict-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try await RunningSimulator.start(directory: directory, arguments: ["--tokens-per-second", "40"])
        defer { simulator.process.stop() }
        let token = "tok-\(UUID().uuidString)"
        // Writes unlimited: the suite sends more than 20 requests a minute from one client.
        let gateway = try await RunningGateway.start(
            directory: directory, token: token, arguments: ["--ollama-url", simulator.url, "--rate-limit", "0"])
        defer { gateway.process.stop() }

        let junit = directory + "/r.xml", html = directory + "/r.html"
        let run = try await ChildProcess.run(
            try BuiltProducts.path(of: "kubeclaw"),
            ["conformance", "--url", gateway.webSocketURL.absoluteString, "--protocol", "\(protocolVersion)", "--strict",
             "--timeout", "20", "--junit", junit, "--html", html, "--shutdown-command", "kill -TERM \(gateway.process.pid)"],
            environment: ChildProcess.minimalEnvironment.merging(["OPENCLAW_GATEWAY_TOKEN": token]) { _, new in new },
            timeout: .seconds(480))
        let failures = run.output.split(separator: "\n").filter { $0.contains("] FAIL  ") }
        #expect(run.status == 0, "exit \(run.status.map(String.init) ?? "none"); failures:\n\(failures.joined(separator: "\n"))\n\(run.output.suffix(1500))")
        let profile = ConformanceSuite.cases.filter { $0.protocols.contains(protocolVersion) }
        #expect(run.output.split(separator: "\n").last.map(String.init) == "\(profile.count) passed, 0 failed", "\(run.output.suffix(800))")

        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"tests="\#(profile.count)" failures="0" skipped="0""#), "\(xml.prefix(300))")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<p class=\"score\">100.0 %</p>"))
        // The shutdown command stopped the gateway, as SIGTERM does: it exits by itself.
        #expect(try await gateway.process.waitForExit(timeout: .seconds(30)) == 0, "\(gateway.process.output.suffix(800))")
    }
}

import ArgumentParser
import Conformance
import Foundation
import GeneratedProtocol

/// `kubeclaw conformance`: runs the generated conformance suite against any gateway.
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check any OpenClaw-compatible gateway against the protocol spec.",
        discussion: """
            Runs the conformance cases rpcgen generates from Spec/openclaw-rpc.json: the handshake and
            frame rules, every method example and invalid example, the chat stream, every event's
            payload. First a preflight (TCP, upgrade, challenge, connect) explains once why a
            gateway cannot be tested; then one line per case, a table per method and
            `N passed, N failed`. Exit status: 0 passed, 1 a case failed, 2 stale baseline, 3 cases
            blocked by the preflight, 64 usage. The cases change gateway state (they chat, patch
            and delete sessions): point it at a test gateway. See docs/conformance.md.
            """)

    @Option(help: "The gateway's WebSocket URL, e.g. ws://127.0.0.1:18789.")
    var url: String

    @Option(help: "The gateway token (default: OPENCLAW_GATEWAY_TOKEN). Without one, the credential cases are skipped.")
    var token: String?

    @Option(help: "Run only cases whose id matches this glob (* and ?); repeatable, e.g. 'method/chat.*'.")
    var only: [String] = []

    @Flag(name: .customLong("skip-model"), help: "Skip the cases that need a model reply.")
    var skipModel = false

    @Option(help: "Seconds to wait for any one response, event or close (default 30).")
    var timeout: Double = 30

    @Option(help: "Also write the report as JSON to this file (schema kubeclaw-conformance-report/1, docs/conformance.md).")
    var json: String?

    @Option(help: "Also write JUnit XML to this file, for CI systems.")
    var junit: String?

    @Option(help: "Also write a self-contained HTML page to this file: score, per-method table, each failure with its frame.")
    var html: String?

    @Option(help: "Known failures, one case id per line (# comments): they do not fail the run; one that passes does (stale baseline).")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Write this run's failures as a baseline file (to start from, or to update one).")
    var writeBaseline: String?

    @Option(name: .customLong("protocol"), help: "The protocol version to speak: 4 or 3 (default: the newest the gateway accepts); only that version's cases run.")
    var protocolVersion: Int?

    @Flag(help: "Fail the run on any skipped case: every case must have been able to judge.")
    var strict = false

    @Option(name: .customLong("shutdown-command"), help: "A shell command that stops the gateway (e.g. 'kill -TERM 1234'), run after every other case to see its shutdown event and close; without it that case is skipped.")
    var shutdownCommand: String?

    @Flag(help: "List the selected cases and exit.")
    var list = false

    func validate() throws {
        guard let parsed = URL(string: url), parsed.scheme == "ws", parsed.host != nil else {
            throw ValidationError("--url must be a ws://HOST:PORT URL")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        if let protocolVersion, !ConformanceSuite.protocols.contains(protocolVersion) {
            throw ValidationError("--protocol must be one of \(ConformanceSuite.protocols.map(String.init).joined(separator: ", "))")
        }
    }

    func run() async throws {
        guard let target = URL(string: url) else { throw ValidationError("--url must be a ws://HOST:PORT URL") }
        var configuration = ConformanceConfiguration(
            url: target, token: token ?? ProcessInfo.processInfo.environment["OPENCLAW_GATEWAY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        configuration.only = only
        configuration.skipModel = skipModel
        configuration.timeout = .milliseconds(Int(timeout * 1000))
        configuration.protocolVersion = protocolVersion ?? ConformanceSuite.newestProtocol
        configuration.negotiatesProtocol = protocolVersion == nil
        configuration.strict = strict
        configuration.shutdownCommand = shutdownCommand
        let runner = ConformanceRunner(configuration: configuration)
        if list {
            for testCase in runner.selectedCases() {
                print("\(testCase.id)  \(testCase.summary)  [protocol \(testCase.protocols.map(String.init).joined(separator: ", "))]")
            }
            return
        }
        guard !runner.selectedCases().isEmpty else { throw ValidationError("--only matches no case; see --list") }
        let known: Baseline?
        do {
            known = try baseline.map(Baseline.load(path:))
        } catch {
            throw ValidationError("\(error)")
        }

        let preflight = await runner.preflight()
        print(TextReport.preflight(preflight))
        print("")
        let report = await runner.run(preflight: preflight) { result, position, total in
            print(TextReport.progressLine(result, position: position, total: total))
        }
        print("")
        print(TextReport.table(report))
        print("")
        print(TextReport.summary(report))
        let outcome = known?.judge(report)
        if let outcome { print(Self.describe(outcome)) }
        try write(report, baseline: outcome)
        print(TextReport.finalLine(report))
        let status = ConformanceExitStatus.of(report, baseline: outcome)
        if status != .passed { throw ExitCode(status.rawValue) }
    }

    private func write(_ report: ConformanceReport, baseline outcome: BaselineOutcome?) throws {
        let outputs: [(String?, () throws -> Data)] = [
            (json, { try JSONReport.render(report, baseline: outcome) }),
            (junit, { Data(JUnitReport.render(report, baseline: outcome).utf8) }),
            (html, { Data(HTMLReport.render(report, baseline: outcome).utf8) }),
            (writeBaseline, { Data(Baseline.render(report).utf8) }),
        ]
        for case (let path?, let render) in outputs {
            try render().write(to: URL(fileURLWithPath: path))
            print("wrote \(path)")
        }
    }

    private static func describe(_ outcome: BaselineOutcome) -> String {
        var lines = ["baseline \(outcome.file): \(outcome.knownFailures.count) known failure(s) failed as expected"]
        if !outcome.newFailures.isEmpty { lines.append("  new failures (not in the baseline): \(outcome.newFailures.joined(separator: ", "))") }
        if !outcome.stale.isEmpty { lines.append("  stale (listed, but pass now; remove them): \(outcome.stale.joined(separator: ", "))") }
        if !outcome.notJudged.isEmpty { lines.append("  listed but not judged in this run: \(outcome.notJudged.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

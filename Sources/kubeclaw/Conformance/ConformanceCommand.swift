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
            payload. Prints one line per case, a table per method and `N passed, N failed`; exits 1
            when any case fails. The cases change gateway state (they chat, patch and delete
            sessions): point it at a test gateway. See docs/conformance.md.
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

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(name: .customLong("protocol"), help: "The protocol version to speak: 4 (today's clients, the default) or 3; cases of the other version are skipped.")
    var protocolVersion: Int = ConformanceSuite.newestProtocol

    @Flag(help: "List the selected cases and exit.")
    var list = false

    func validate() throws {
        guard let parsed = URL(string: url), parsed.scheme == "ws", parsed.host != nil else {
            throw ValidationError("--url must be a ws://HOST:PORT URL")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard ConformanceSuite.protocols.contains(protocolVersion) else {
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
        configuration.protocolVersion = protocolVersion
        let runner = ConformanceRunner(configuration: configuration)
        if list {
            for testCase in runner.selectedCases() { print("\(testCase.id)  \(testCase.summary)") }
            return
        }
        guard !runner.selectedCases().isEmpty else { throw ValidationError("--only matches no case; see --list") }
        let report = await runner.run { result in
            print(TextReport.line(result))
        }
        print("")
        print(TextReport.table(report))
        print("")
        if !report.unknownEvents.isEmpty {
            print("events outside the spec (not validated): \(report.unknownEvents.joined(separator: ", "))")
        }
        print("ran \(report.results.count) cases against \(report.target) in \(String(format: "%.1f", Double(report.durationMs) / 1000)) s")
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
        }
        print(TextReport.finalLine(report))
        if report.failed > 0 { throw ExitCode(1) }
    }
}

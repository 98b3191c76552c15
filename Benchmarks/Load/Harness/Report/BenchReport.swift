import Foundation

/// Everything one run measured: written as JSON (`--json`) for the chart script and the docs,
/// and printed as a table.
struct BenchReport: Encodable, Sendable {
    var startedAt: String
    var machine: MachineInfo
    /// Load average when the run ended (the machine may be shared).
    var loadAverageAtEnd: [Double] = []
    /// `release` or `debug`: the build the harness and the servers came from.
    var build: String
    /// The system under test (`kubeclaw`, or `--label`).
    var system: String
    var gatewayBinary: String?
    var smoke: Bool
    var scenarios: [String]
    var figures: [Figure] = []
    /// Scenarios that could not run, with why.
    var failures: [String] = []

    func write(json path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// A Markdown table: figure, system, floor, ratio, goal.
    var table: String {
        var lines = [
            "| figure | \(system) | floor | \(system) ÷ floor | goal |",
            "|---|---|---|---|---|",
        ]
        for figure in figures {
            let value = figure.value.map { "\(Format.value($0)) \(figure.unit)" } ?? "—"
            let floor = figure.floor.map { "\(Format.value($0)) \(figure.unit)" } ?? "—"
            let ratio = figure.ratio.map(Format.ratio) ?? "—"
            lines.append("| \(figure.title) | \(value) | \(floor) | \(ratio) | \(figure.goal ?? "") |")
        }
        return lines.joined(separator: "\n")
    }

    /// Latency percentiles and notes under the table.
    var details: String {
        var lines: [String] = []
        for figure in figures {
            for (name, summary) in figure.latency.sorted(by: { $0.key < $1.key }) {
                lines.append("- \(figure.key) \(name): \(summary.text)")
            }
            if let note = figure.note { lines.append("- \(figure.key): \(note)") }
        }
        return lines.joined(separator: "\n")
    }
}

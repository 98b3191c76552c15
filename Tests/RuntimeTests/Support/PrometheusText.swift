/// The Prometheus text exposition of `/metrics`, with a lookup of one sample by name and labels.
struct PrometheusText: Sendable, CustomStringConvertible {
    let text: String

    init(_ text: String) { self.text = text }

    var description: String { text }

    /// The value of the first sample named exactly `name` whose labels include every pair of
    /// `labels` (other labels may be present); nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let sampleName = series.split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
            guard sampleName == name else { continue }
            guard labels.allSatisfy({ series.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }

    /// Whether any sample of `name` exists.
    func has(_ name: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
    }
}

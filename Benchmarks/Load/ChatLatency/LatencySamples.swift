/// Latencies in nanoseconds and their order statistics.
struct LatencySamples: Sendable {
    private(set) var values: [Int64] = []

    mutating func append(_ value: Int64) { values.append(value) }
    mutating func append(contentsOf other: LatencySamples) { values.append(contentsOf: other.values) }

    var count: Int { values.count }

    /// The nearest-rank percentile (`p` in 0...100), in nanoseconds; nil without samples.
    func percentile(_ p: Double) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// `count, min, median, p90, p99, max` in milliseconds, for a table row.
    var summary: String {
        guard let minimum = values.min(), let maximum = values.max() else { return "no samples" }
        let columns = [minimum, percentile(50)!, percentile(90)!, percentile(99)!, maximum].map(Self.milliseconds)
        return "n=\(count)  min \(columns[0])  median \(columns[1])  p90 \(columns[2])  p99 \(columns[3])  max \(columns[4])  (ms)"
    }

    static func milliseconds(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds) / 1_000_000
        return value < 10 ? String(format2: value, digits: 2) : String(format2: value, digits: 1)
    }
}

extension String {
    /// A fixed-point rendering without Foundation's `String(format:)`.
    init(format2 value: Double, digits: Int) {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale), fraction = abs(scaled % Int64(scale))
        let fractionText = String(fraction)
        self = "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}

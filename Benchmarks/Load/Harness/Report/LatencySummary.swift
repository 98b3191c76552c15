/// Percentiles of a latency distribution, in milliseconds.
struct LatencySummary: Codable, Sendable {
    var count: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var p999: Double
    var max: Double
    var mean: Double

    /// `p50 0.21 · p90 0.40 · p99 1.3 · p99.9 4.0 · max 9.1 ms (n=…)`
    var text: String {
        "p50 \(Format.ms(p50)) · p90 \(Format.ms(p90)) · p99 \(Format.ms(p99)) · p99.9 \(Format.ms(p999)) · max \(Format.ms(max)) ms (n=\(count))"
    }
}

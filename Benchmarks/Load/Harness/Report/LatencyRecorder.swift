import Histogram

/// Latencies in nanoseconds, in an HdrHistogram (3 significant digits, 1 µs to 10 min).
struct LatencyRecorder: Sendable {
    private(set) var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)

    var count: UInt64 { histogram.totalCount }

    mutating func record(nanoseconds: Int64) {
        _ = histogram.record(UInt64(min(max(nanoseconds, 1_000), 600_000_000_000)))
    }

    mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
    }

    var summary: LatencySummary? {
        guard count > 0 else { return nil }
        func ms(_ value: UInt64) -> Double { Double(value) / 1_000_000 }
        return LatencySummary(
            count: Int(count), p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
            p99: ms(histogram.valueAtPercentile(99)), p999: ms(histogram.valueAtPercentile(99.9)), max: ms(histogram.max),
            mean: histogram.mean / 1_000_000)
    }
}

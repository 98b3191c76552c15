import KubeclawClient
import Testing

@Suite struct ReconnectPolicyTests {
    @Test func ceilingsDoubleFrom250MillisecondsToTenSeconds() {
        let policy = ReconnectPolicy()
        #expect(policy.ceiling(forAttempt: 0) == .milliseconds(250))
        #expect(policy.ceiling(forAttempt: 1) == .milliseconds(500))
        #expect(policy.ceiling(forAttempt: 5) == .seconds(8))
        #expect(policy.ceiling(forAttempt: 6) == .seconds(10))
        #expect(policy.ceiling(forAttempt: 1000) == .seconds(10))
    }

    @Test func eachDelayIsInTheUpperHalfOfItsCeiling() {
        let policy = ReconnectPolicy()
        #expect(policy.delay(forAttempt: 2, unit: 0) == .milliseconds(500))
        #expect(policy.delay(forAttempt: 2, unit: 0.5) == .milliseconds(750))
        for attempt in 0..<12 {
            let delay = policy.delay(forAttempt: attempt)
            let ceiling = policy.ceiling(forAttempt: attempt)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
    }
}

@Suite struct SequenceGapDetectorTests {
    @Test func consecutiveSeqsAreFineAJumpIsAGap() {
        var detector = SequenceGapDetector()
        #expect(Self.pair(detector.record(nil)) == [])
        #expect(Self.pair(detector.record(1)) == [])
        #expect(Self.pair(detector.record(2)) == [])
        #expect(Self.pair(detector.record(5)) == [3, 5])
        #expect(Self.pair(detector.record(6)) == [])
    }

    static func pair(_ gap: (expected: Int, received: Int)?) -> [Int] {
        gap.map { [$0.expected, $0.received] } ?? []
    }
}

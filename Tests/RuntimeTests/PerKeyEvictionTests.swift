import Foundation
import Runtime
import Testing

/// The per-address and per-identity maps of the transport stay bounded under a flood of
/// distinct keys (docs/security.md, "Per-key state"): stale entries go first, then the least
/// recently active, so neither memory nor the cost of one request grows with the flood.
@Suite struct PerKeyEvictionTests {
    @Test("auth failures: addresses whose failures left the window are forgotten once the cap is passed")
    func staleAuthFailuresForgotten() async throws {
        var limit = RuntimeConfiguration.AuthFailureLimit()
        limit.window = .milliseconds(50)
        let limiter = AuthFailureLimiter(limit: limit, exemptLoopback: false, maxTrackedAddresses: 10)
        for index in 0..<10 { limiter.recordFailure(for: "10.0.0.\(index)", isLoopback: false) }
        #expect(limiter.trackedAddressCount == 10)
        try await Task.sleep(for: .milliseconds(120))
        limiter.recordFailure(for: "10.0.1.1", isLoopback: false)
        #expect(limiter.trackedAddressCount == 1, "only the address with a failure inside the window is left")
    }

    @Test("auth failures: a flood of live addresses is capped, a running lockout is kept")
    func authFailuresCapped() {
        var limit = RuntimeConfiguration.AuthFailureLimit()
        limit.failures = 2
        let limiter = AuthFailureLimiter(limit: limit, exemptLoopback: false, maxTrackedAddresses: 10)
        limiter.recordFailure(for: "attacker", isLoopback: false)
        #expect(limiter.recordFailure(for: "attacker", isLoopback: false), "locked out")
        for index in 0..<8 { limiter.recordFailure(for: "10.0.0.\(index)", isLoopback: false) }
        #expect(limiter.lockoutRemainingMs(for: "attacker", isLoopback: false) != nil)
        for index in 0..<100 {
            limiter.recordFailure(for: "10.1.0.\(index)", isLoopback: false)
            #expect(limiter.trackedAddressCount <= 10)
        }
        #expect(limiter.lockoutRemainingMs(for: "attacker", isLoopback: false) != nil, "a running lockout outlives the flood")
    }

    @Test("rate limits: a flood of identities each inside its window is capped at the tracked-key limit")
    func rateLimitBucketsCapped() {
        let limiter = KeyedRateLimiter(limit: .init(messages: 20, window: .seconds(60)), maxTrackedKeys: 10)
        for index in 0..<100 {
            _ = limiter.consume("client-\(index)")
            #expect(limiter.trackedKeyCount <= 10)
        }
        // The newest identity keeps its (spent) bucket.
        for _ in 0..<19 { #expect(limiter.consume("client-99") == .allowed) }
        if case .allowed = limiter.consume("client-99") { Issue.record("client-99's budget was reset by the eviction") }
    }
}

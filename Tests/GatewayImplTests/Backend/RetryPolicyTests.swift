import Foundation
import NIOHTTP1
import Testing
@testable import GatewayImpl

/// When a failed request is retried, and how long the gateway waits: the provider's
/// `Retry-After` within bounds, exponential backoff otherwise, never a wait a hostile header
/// chooses, and no arithmetic on its number that could trap.
@Suite struct RetryPolicyTests {
    static func failure(status: Int, retryAfter: Double? = nil, shouldRetry: Bool? = nil) -> ModelBackendError {
        .upstream(UpstreamFailure(provider: "p", status: status, detail: "x", retryAfterSeconds: retryAfter, shouldRetry: shouldRetry))
    }

    @Test("Retry-After as seconds, fractions, milliseconds and an HTTP date", arguments: [
        (["retry-after": "3"], 3.0),
        (["retry-after": "0.5"], 0.5),
        (["retry-after-ms": "250", "retry-after": "9"], 0.25),
        (["retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"], 10.0),
    ])
    func parses(headers: [String: String], seconds: Double) throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2015-10-21T07:28:00Z"))
        let parsed = try #require(RetryAfter.seconds(in: HTTPHeaders(headers.map { ($0.key, $0.value) }), now: now))
        #expect(abs(parsed - seconds) < 0.001)
    }

    @Test("garbage Retry-After values are ignored", arguments: ["soon", "", "NaN", "inf", "-", String(repeating: "9", count: 400), "1e99999"])
    func ignoresGarbage(value: String) {
        #expect(RetryAfter.seconds(in: HTTPHeaders([("retry-after", value)])) == nil)
    }

    @Test("transient statuses are retried after the provider's Retry-After")
    func honoursRetryAfter() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 0, error: Self.failure(status: 429, retryAfter: 1)) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, error: Self.failure(status: 529, retryAfter: 0.2)) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 2, error: Self.failure(status: 429, retryAfter: 1)) == nil, "at most maxRetries")
    }

    @Test("a Retry-After beyond the limit (or absurd) ends retrying at once instead of waiting", arguments: [61.0, 86_400, 1e300])
    func hostileRetryAfter(seconds: Double) {
        #expect(RetryPolicy().delay(afterAttempt: 0, error: Self.failure(status: 429, retryAfter: seconds)) == nil)
    }

    @Test("without Retry-After (or with a negative one): exponential backoff with jitter, capped")
    func backoff() {
        let policy = RetryPolicy(maxRetries: 10, initialBackoff: .milliseconds(500), maxBackoff: .seconds(8))
        #expect(policy.delay(afterAttempt: 0, error: Self.failure(status: 500), random: { 0 }) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, error: Self.failure(status: 503, retryAfter: -5), random: { 0 }) == .seconds(1))
        #expect(policy.delay(afterAttempt: 9, error: .unreachable("refused"), random: { 0 }) == .seconds(8))
        #expect(policy.delay(afterAttempt: 0, error: Self.failure(status: 500), random: { 0.999 })! > .milliseconds(370))
    }

    @Test("only transient failures are retried; x-should-retry overrides the status", arguments: [
        (failure(status: 400), false), (failure(status: 401), false), (failure(status: 404), false),
        (failure(status: 408), true), (failure(status: 409), true), (failure(status: 429), true), (failure(status: 500), true),
        (failure(status: 529), true), (failure(status: 500, shouldRetry: false), false), (failure(status: 400, shouldRetry: true), true),
        (ModelBackendError.unreachable("refused"), true), (.streamEndedEarly, true), (.malformedResponse("x"), false),
        (.firstTokenTimeout, false), (.missingAPIKey(provider: "openai", variable: "OPENAI_API_KEY"), false),
    ])
    func transient(error: ModelBackendError, retried: Bool) {
        #expect((RetryPolicy().delay(afterAttempt: 0, error: error) != nil) == retried)
    }

    @Test("errors reported inside a stream are retried by their type")
    func streamErrorTypes() {
        let overloaded = ModelBackendError.upstream(UpstreamFailure(provider: "anthropic", type: "overloaded_error", detail: "Overloaded"))
        let invalid = ModelBackendError.upstream(UpstreamFailure(provider: "anthropic", type: "invalid_request_error", detail: "bad"))
        #expect(overloaded.isTransient)
        #expect(!invalid.isTransient)
    }

    @Test("maxRetries is clamped to 0...10")
    func clamped() {
        #expect(RetryPolicy(maxRetries: -3).maxRetries == 0)
        #expect(RetryPolicy(maxRetries: .max).maxRetries == 10)
    }
}

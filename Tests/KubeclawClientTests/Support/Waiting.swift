import Foundation
import KubeclawClient

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The first value `match` picks out of `stream`, failing after `timeout` (a bound, never a wait).
func first<Element: Sendable, Value: Sendable>(
    _ stream: AsyncStream<Element>,
    timeout: Duration = .seconds(30),
    _ what: String,
    where match: @escaping @Sendable (Element) -> Value?
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value.self) { group in
        group.addTask {
            for await element in stream {
                if let value = match(element) { return value }
            }
            throw TestFailure("the stream ended before \(what)")
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestFailure("not within \(timeout): \(what)")
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw TestFailure("no result: \(what)") }
        return value
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw TestFailure("not within \(timeout): \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Options for a client of `url` with the test token and admin scopes.
func clientOptions(_ url: URL, token: String = LiveGateway.token) -> GatewayClientOptions {
    var options = GatewayClientOptions(url: url, auth: .token(token))
    options.scopes = ["operator.admin", "operator.read", "operator.write"]
    options.clientID = "test"
    options.clientMode = "test"
    options.requestTimeout = .seconds(30)
    options.challengeTimeout = .seconds(10)
    return options
}

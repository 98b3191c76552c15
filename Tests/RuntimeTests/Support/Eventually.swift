/// Polls `condition` until it holds, failing after `timeout`: for state another component
/// reaches asynchronously (the simulator noticing a disconnect). Never asserts on time itself.
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("not within \(timeout): \(what())") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

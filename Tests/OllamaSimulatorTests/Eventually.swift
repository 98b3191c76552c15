/// Polls `condition` every 10 ms until it holds or `timeout` passes; for effects that
/// happen on the server after the client is done (a disconnect being noticed). Bounded in
/// time and in the number of polls; the bound is generous (it only costs time when the test
/// fails), since a loaded 2-core machine can take seconds to notice a disconnect.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    for _ in 0..<20_000 {
        if condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

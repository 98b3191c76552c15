import Synchronization

/// What a test server saw, appended from its handlers and read by the test.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ element: Element) {
        items.withLock { $0.append(element) }
    }

    var all: [Element] { items.withLock { $0 } }

    /// Everything recorded, once there are at least `count` elements or `timeout` has passed
    /// (polls every 5 ms: bounded in time, and so in count). The default bound is generous: it
    /// only costs time when the test fails, and a loaded machine can take seconds.
    func waitFor(count: Int, timeout: Duration = .seconds(30)) async -> [Element] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = all
            if seen.count >= count { return seen }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return all
    }
}

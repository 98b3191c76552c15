import Synchronization

/// Work a method defers until its response is on its way: OpenClaw sends some events after a
/// response (a run's lifecycle end after the `chat.abort` answer). The dispatcher binds
/// ``current`` while a method runs and performs the work right after it handed the response to
/// the transport. Work added when no response is pending — outside a dispatch, or by a task
/// that outlived its request — runs at once.
public final class ResponseFollowUps: Sendable {
    @TaskLocal public static var current: ResponseFollowUps?

    private struct State {
        var work: [@Sendable () -> Void] = []
        var performed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` once the response of the request being dispatched is handed to the transport.
    public static func afterResponse(_ body: @escaping @Sendable () -> Void) {
        if let current { current.add(body) } else { body() }
    }

    /// Defers `body` until ``perform()``, or runs it now when that already happened.
    public func add(_ body: @escaping @Sendable () -> Void) {
        let deferred = state.withLock { state in
            guard !state.performed else { return false }
            state.work.append(body)
            return true
        }
        if !deferred { body() }
    }

    /// Runs the deferred work in the order it was added; later work runs at once.
    public func perform() {
        let work = state.withLock { state in
            state.performed = true
            defer { state.work = [] }
            return state.work
        }
        for body in work { body() }
    }
}

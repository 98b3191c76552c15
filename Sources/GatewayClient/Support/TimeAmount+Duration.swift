import NIOCore

extension TimeAmount {
    /// The NIO amount of a Swift `Duration`, so the public API speaks `Duration` while timers run
    /// on the connection's event loop (cheaper than a child task per timeout).
    /// Negative durations become zero; absurdly long ones saturate instead of trapping.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else {
            self = .zero
            return
        }
        let (wholeNanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(.max)
            return
        }
        let (total, overflowAgain) = wholeNanos.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(overflowAgain ? .max : total)
    }
}

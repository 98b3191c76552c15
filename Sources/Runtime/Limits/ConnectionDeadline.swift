import NIOCore

/// The timer the connection deadlines share: armed, it closes the channel after `timeout`
/// (telling `onTimeout` first, for the metrics); disarmed, it does nothing. Owned by one
/// channel handler and used only on its event loop.
struct ConnectionDeadline {
    let timeout: TimeAmount
    let onTimeout: @Sendable () -> Void
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    var isArmed: Bool { scheduled != nil }

    /// Starts the clock again from now.
    mutating func arm(_ context: ChannelHandlerContext) {
        disarm()
        let onTimeout = self.onTimeout
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            onTimeout()
            context.close(promise: nil)
        }
    }

    mutating func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}

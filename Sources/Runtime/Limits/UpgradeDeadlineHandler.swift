import NIOCore

/// Closes a connection on the gateway port whose first HTTP request head — the WebSocket
/// upgrade or a Control UI request — has not fully arrived within `timeout` of the accept:
/// sockets that send nothing, or headers a byte at a time (slowloris), hold a descriptor and a
/// parser each. First in the pipeline; the upgrade code removes it (by `name`) as soon as the
/// head is in, and from then the WebSocket `connect` deadline or the HTTP idle timeout applies.
final class UpgradeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    static let name = "kubeclaw-upgrade-deadline"

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let onTimeout = self.onTimeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            onTimeout()
            context.close(promise: nil)
        }
    }
}

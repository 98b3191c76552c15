import NIOCore

/// Closes a connection on the gateway port whose first HTTP request head — the WebSocket
/// upgrade or a Control UI request — has not fully arrived within `timeout` of the accept:
/// sockets that send nothing, or headers a byte at a time (slowloris), hold a descriptor and a
/// parser each. First in the pipeline; the upgrade code removes it (by `name`) as soon as the
/// head is in, and from then the WebSocket `connect` deadline or the HTTP idle timeout applies.
final class UpgradeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    static let name = "kubeclaw-upgrade-deadline"

    private var deadline: ConnectionDeadline

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        deadline = ConnectionDeadline(timeout: timeout, onTimeout: onTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armOnce(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armOnce(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline.disarm()
    }

    /// The deadline counts from the accept: never restarted.
    private func armOnce(_ context: ChannelHandlerContext) {
        if !deadline.isArmed { deadline.arm(context) }
    }
}

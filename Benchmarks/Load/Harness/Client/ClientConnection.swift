import NIOCore

/// A connection past its handshake, as the rest of the harness holds it: the channel and the
/// handler, which is only touched on the channel's event loop.
struct ClientConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<BenchConnection>

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Runs `body` with the handler on its event loop.
    func run(_ body: @escaping @Sendable (BenchConnection) -> Void) {
        let handler = self.handler
        eventLoop.execute { body(handler.value) }
    }

    /// Reads something off the handler on its event loop.
    func read<Value: Sendable>(_ body: @escaping @Sendable (BenchConnection) -> Value) async throws -> Value {
        let handler = self.handler
        return try await eventLoop.submit { body(handler.value) }.get()
    }

    /// Starts the close handshake; returns when the socket is closed (at most ~1 s later).
    func close() async {
        run { $0.close() }
        try? await channel.closeFuture.get()
    }
}

extension ClientConnection {
    /// Runs `body` with the handler on its event loop after `delay`.
    func run(after delay: TimeAmount, _ body: @escaping @Sendable (BenchConnection) -> Void) {
        let handler = self.handler
        eventLoop.scheduleTask(in: delay) { body(handler.value) }
    }
}

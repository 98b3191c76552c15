import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP connection to the gateway for bytes no client library sends: raw WebSocket
/// frames, headers cut short, sockets that never speak. Lives only inside `with(port:)`, which
/// closes it (an NIO async channel must be finished).
final class RawConnection {
    private let channel: any Channel
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Everything the server sent so far.
    private(set) var received: [UInt8] = []
    /// Whether the server closed the connection (end of stream or reset) while it was read.
    private(set) var closedByServer = false

    private init(channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects to `port` on loopback and runs `body` with the connection, then closes it.
    static func with<T: Sendable>(port: Int, _ body: (RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawConnection(channel: channel.channel, inbound: inbound, outbound: outbound))
        }
    }

    /// `count` connections at once, all open while `body` runs.
    static func with<T: Sendable>(_ count: Int, port: Int, _ body: ([RawConnection]) async throws -> T) async throws -> T {
        guard count > 0 else { return try await body([]) }
        return try await with(port: port) { first in
            try await with(count - 1, port: port) { rest in try await body([first] + rest) }
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    /// Reads until `condition` holds for what was received; false if the connection ended, or
    /// `limit` passed, first.
    func read(until condition: ([UInt8]) -> Bool, limit: Duration = .seconds(20)) async -> Bool {
        await reading(limit: limit) { condition($0) }
    }

    /// Reads until the server closes the connection; false if it is still open after `limit`.
    func readUntilClosed(limit: Duration = .seconds(20)) async -> Bool {
        _ = await reading(limit: limit) { _ in false }
        return closedByServer
    }

    private func reading(limit: Duration, until condition: ([UInt8]) -> Bool) async -> Bool {
        if condition(received) { return true }
        let timedOut = TimedOut()
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(limit.components.seconds) * 1_000_000_000)) {
            timedOut.flag.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            while let chunk = try await inbound.next() {
                received += chunk.readableBytesView
                if condition(received) { return true }
            }
        } catch {
            // A reset: the server closed too.
        }
        closedByServer = !timedOut.flag.load(ordering: .relaxed)
        return false
    }

    private final class TimedOut: Sendable {
        let flag = Atomic(false)
    }
}

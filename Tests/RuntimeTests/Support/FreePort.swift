import NIOCore
import NIOPosix

/// Loopback ports for processes that must be told a port up front.
enum FreePort {
    /// A port nothing listens on right now (bound and released again). Another `bind` may take it
    /// before the process it is meant for does: callers retry on "address already in use". For a
    /// port that must stay closed, use ``ClosedPort``.
    static func next() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        guard port > 0 else { throw TestFailure("no free port") }
        return port
    }
}

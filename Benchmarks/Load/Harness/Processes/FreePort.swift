import NIOCore
import NIOPosix

/// A loopback port that was free a moment ago: bound with port 0, read back, released. For the
/// gateway's HTTP port, which it only logs at info level (and info logs a line per connection).
enum FreePort {
    static func pick(group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

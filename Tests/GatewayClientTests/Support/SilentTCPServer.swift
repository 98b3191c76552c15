import NIOCore
import NIOPosix

/// Accepts TCP connections and never answers: a gateway that hangs during the upgrade.
struct SilentTCPServer {
    let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> SilentTCPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return SilentTCPServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// `bench-echo-server`: the floor of the load harness. A bare SwiftNIO WebSocket server with
/// the same message pattern as a gateway and no application logic: it greets every connection
/// with a canned `connect.challenge` text, then echoes every text message back (`/`), or sends it
/// to every connection of the broadcast group (`/fanout`). Whatever the harness measures against
/// Kubeclaw, it measures against this too; the ratio is what the gateway's own work costs.
///
/// Usage: `bench-echo-server [--host 127.0.0.1] [--port 0] [--threads N]`. Prints one line,
/// `bench-echo-server listening on HOST:PORT`, and serves until SIGTERM or SIGINT.
@main
enum EchoServerCommand {
    static func main() async throws {
        let options: EchoServerOptions
        do {
            options = try EchoServerOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("bench-echo-server: \(error)\n\(EchoServerOptions.usage)\n".utf8))
            exit(64)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
        let broadcast = BroadcastGroup()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                EchoPipeline.configure(channel, broadcast: broadcast)
            }
            .bind(host: options.host, port: options.port)
            .get()
        let port = channel.localAddress?.port ?? options.port
        FileHandle.standardOutput.write(Data("bench-echo-server listening on \(options.host):\(port)\n".utf8))

        await TerminationSignal.wait()
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

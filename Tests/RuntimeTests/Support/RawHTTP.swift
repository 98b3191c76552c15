import NIOCore
import NIOPosix

/// HTTP/1.1 written by hand over a plain TCP connection, for request targets an HTTP client
/// would normalise first (`/../etc/passwd`).
enum RawHTTP {
    /// Sends `GET target` with `Connection: close` and returns everything the server wrote.
    static func get(port: Int, target: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"))
            var received = ByteBuffer()
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
                guard received.readableBytes < 1 << 20 else { break }
            }
            return String(buffer: received)
        }
    }

    /// The status code of a raw response text.
    static func status(of response: String) -> Int? {
        response.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }
}

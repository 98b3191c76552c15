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

    /// Sends `request` as written (headers chosen by the caller, e.g. a foreign `Host`) and
    /// returns the response head: everything up to the blank line (a 101 leaves the socket
    /// open, so the body is not awaited).
    static func head(port: Int, request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var received = ByteBuffer()
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
                let text = String(buffer: received)
                if let end = text.range(of: "\r\n\r\n") { return String(text[..<end.lowerBound]) }
                guard received.readableBytes < 1 << 20 else { break }
            }
            return String(buffer: received)
        }
    }

    /// A WebSocket upgrade request for `/` with the given `Host` and, if any, `Origin`.
    static func upgradeRequest(host: String?, origin: String? = nil) -> String {
        var lines = ["GET / HTTP/1.1"]
        if let host { lines.append("Host: \(host)") }
        if let origin { lines.append("Origin: \(origin)") }
        lines += [
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
        ]
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// The status code of a raw response text.
    static func status(of response: String) -> Int? {
        response.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }
}

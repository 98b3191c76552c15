/// Limits and timeouts of one ``WebSocketConnection``, with their defaults in one place.
///
/// The defaults suit a gateway client: frames up to 16 MiB (OpenClaw's post-handshake cap is
/// 25 MiB, but its frames stay far below 1 MiB), a short inbound buffer so that a slow reader
/// pushes back on the server through TCP instead of growing memory, and every wait bounded.
public struct WebSocketConfiguration: Sendable {
    /// Largest single inbound frame, in bytes. A larger frame fails the connection
    /// (the client sends close 1009 and ``WebSocketConnection/receive()`` throws).
    public var maxFrameSize: Int = 16 * 1024 * 1024

    /// Largest inbound message after its fragments are joined, in bytes.
    public var maxMessageSize: Int = 16 * 1024 * 1024

    /// Most fragments one inbound message may arrive in.
    public var maxFragmentCount: Int = 4096

    /// Complete messages held for ``WebSocketConnection/receive()`` before the connection stops
    /// reading from the socket. Small on purpose: thousands of connections must stay cheap, and a
    /// reader that falls behind should slow the server down, not fill this process's memory.
    public var inboundBufferCapacity: Int = 16

    /// Time allowed for the TCP connect and the HTTP upgrade together.
    public var connectTimeout: Duration = .seconds(10)

    /// Time ``WebSocketConnection/close(code:reason:)`` waits for the server's close frame and
    /// for the server to drop TCP, before the client drops it itself.
    public var closeTimeout: Duration = .seconds(2)

    /// A configuration with every default.
    public init() {}
}

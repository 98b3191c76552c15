/// Who is at the other end of a WebSocket connection, as lockouts, budgets, logs and presence
/// see it: the TCP peer, or the client a trusted proxy names for it.
public struct ClientAddress: Sendable, Equatable {
    /// The client's IP address (or, when a trusted proxy forwarded something that is not an IP
    /// address, the nearest trusted hop's address).
    public var address: String
    /// Whether `address` is a loopback address.
    public var isLoopback: Bool
    /// The TCP peer, when it is a trusted proxy that named the client; nil for a direct peer.
    public var proxy: String?

    public init(address: String, isLoopback: Bool, proxy: String? = nil) {
        self.address = address
        self.isLoopback = isLoopback
        self.proxy = proxy
    }

    private static let loopback = [IPNetwork("127.0.0.0/8"), IPNetwork("::1/128")].compactMap { $0 }

    /// Whether `address` is a loopback address (IPv4-mapped IPv6 included).
    public static func isLoopback(_ address: String) -> Bool {
        loopback.contains { $0.contains(address) }
    }
}

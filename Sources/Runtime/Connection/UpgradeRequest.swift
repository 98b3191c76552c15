import Foundation
import NIOHTTP1

/// What the HTTP upgrade request told us about a WebSocket client.
struct UpgradeRequest: Sendable {
    /// The client's address (see ``ClientAddress``).
    var remoteAddress: String
    var isLoopback: Bool
    /// The trusted proxy the connection came through, if any.
    var proxy: String? = nil
    var path: String
    var origin: String?
    /// A token given as `?token=` or `x-gateway-token` (older seed clients), used when
    /// `connect` carries none.
    var token: String?

    init(remoteAddress: String, isLoopback: Bool, path: String = "/", origin: String? = nil, token: String? = nil) {
        self.remoteAddress = remoteAddress
        self.isLoopback = isLoopback
        self.path = path
        self.origin = origin
        self.token = token
    }

    /// The upgrade request of `client` (the peer, or whom a trusted proxy named).
    init(head: HTTPRequestHead, client: ClientAddress) {
        self.remoteAddress = client.address
        self.isLoopback = client.isLoopback
        self.proxy = client.proxy
        let uri = head.uri
        let queryStart = uri.firstIndex(of: "?")
        path = queryStart.map { String(uri[..<$0]) } ?? uri
        origin = head.headers.first(name: "origin")
        let queryToken = queryStart.flatMap { start in
            uri[uri.index(after: start)...].split(separator: "&").lazy
                .compactMap { pair -> String? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0] == "token" else { return nil }
                    return String(parts[1]).removingPercentEncoding ?? String(parts[1])
                }.first
        }
        token = queryToken ?? head.headers.first(name: "x-gateway-token")
    }
}

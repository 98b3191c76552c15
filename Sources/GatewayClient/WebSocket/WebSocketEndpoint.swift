import Foundation

/// Where a ``WebSocketConnection`` connects and what its upgrade request names.
struct WebSocketEndpoint: Sendable, Equatable {
    /// The host to resolve and connect to (an IPv6 literal without brackets).
    var host: String
    var port: Int
    /// The request target of the upgrade request: the path, and `?query` when there is one,
    /// exactly as percent-encoded in the URL (servers compare tokens byte for byte).
    var requestTarget: String

    /// The value of the `Host` header: the port only when it is not 80, IPv6 literals in brackets.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// A `ws://host[:port]/path[?query]` URL. The fragment is ignored; `wss://` is refused
    /// because this client has no TLS (the gateway terminates TLS at its ingress).
    init(url: URL) throws {
        guard
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            components.scheme?.lowercased() == "ws",
            var host = components.host, !host.isEmpty
        else {
            throw WebSocketConnectionError.unsupportedURL(url.absoluteString)
        }
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else {
            throw WebSocketConnectionError.unsupportedURL(url.absoluteString)
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        self.init(host: host, port: port, requestTarget: target)
    }

    /// An endpoint from its parts; `path` may carry a query (`/gateway?token=…`) and gets a
    /// leading `/` when it lacks one.
    init(host: String, port: Int, path: String) throws {
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw WebSocketConnectionError.unsupportedURL("ws://\(host):\(port)\(path)")
        }
        self.init(host: host, port: port, requestTarget: path.hasPrefix("/") ? path : "/" + path)
    }

    private init(host: String, port: Int, requestTarget: String) {
        self.host = host
        self.port = port
        self.requestTarget = requestTarget
    }
}

import Foundation

/// Where Ollama listens, parsed from a base URL or from the forms `OLLAMA_HOST` accepts:
/// `http://127.0.0.1:11434`, `https://ollama.example/prefix`, `127.0.0.1:11434`, `0.0.0.0`,
/// `[::1]:11434`, or nothing (the default `127.0.0.1:11434`).
///
/// As with Ollama's own client, a bare host defaults to port 11434, while an explicit
/// `http://` or `https://` without a port means 80 or 443. The wildcard addresses `0.0.0.0`
/// and `::` (how a server is told to listen everywhere) are reached on loopback.
struct OllamaAddress: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    /// A path the API lives under behind a proxy, e.g. `/ollama`; empty when at the root.
    var pathPrefix: String
    /// The `Authorization` value for credentials written into the URL (`http://user:pass@host`).
    var authorization: String?

    static let defaultPort = 11434

    init(parsing raw: String) throws(ModelBackendError) {
        var rest = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if rest.isEmpty { rest = "127.0.0.1:\(Self.defaultPort)" }

        var defaultPort = Self.defaultPort
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            switch scheme {
            case "http": defaultPort = 80
            case "https": defaultPort = 443
            default: throw Self.invalid("the scheme must be http or https")
            }
            self.scheme = scheme
            rest = String(rest[schemeEnd.upperBound...])
        } else {
            self.scheme = "http"
        }
        if rest.contains("?") || rest.contains("#") {
            throw Self.invalid("a query or fragment is not allowed")
        }

        var authority = rest
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = String(rest[..<slash])
            path = String(rest[slash...])
        }
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path

        if let at = authority.lastIndex(of: "@") {
            let credentials = String(authority[..<at])
            authority = String(authority[authority.index(after: at)...])
            let decoded = credentials.removingPercentEncoding ?? credentials
            self.authorization = "Basic " + Data(decoded.utf8).base64EncodedString()
        } else {
            self.authorization = nil
        }

        var host: String
        var portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Self.invalid("unclosed [ in the host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Self.invalid("unexpected text after the host") }
                portText = String(after.dropFirst())
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = String(authority[authority.index(after: colon)...])
        } else {
            host = authority
        }

        if let portText {
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw Self.invalid("the port must be a number from 1 to 65535")
            }
            self.port = port
        } else {
            self.port = defaultPort
        }

        switch host {
        case "", "0.0.0.0": host = "127.0.0.1"
        case "::": host = "::1"
        default: break
        }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { throw Self.invalid("the host is not valid") }
        self.host = host
    }

    /// `host:port` for messages and logs; never includes credentials.
    var displayName: String {
        "\(hostForURL):\(port)"
    }

    /// The absolute URL of an API path such as `/api/chat`.
    func url(_ path: String) -> String {
        "\(scheme)://\(hostForURL):\(port)\(pathPrefix)\(path)"
    }

    private var hostForURL: String {
        host.contains(":") ? "[\(host)]" : host
    }

    private static func invalid(_ reason: String) -> ModelBackendError {
        .unreachable("the Ollama address is not valid (\(reason))")
    }
}

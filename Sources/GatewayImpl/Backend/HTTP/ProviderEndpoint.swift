import Foundation

/// A hosted provider's base URL, e.g. `https://api.openai.com/v1` or `http://vllm:8000/v1`:
/// scheme `http` or `https`, a host, an optional port, and the path the API lives under. API
/// paths are appended to it (`/chat/completions`, `/v1/messages`).
///
/// Credentials in the URL, queries and fragments are refused: keys belong in environment
/// variables, and the host part is shown in status and errors.
struct ProviderEndpoint: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    var pathPrefix: String

    /// - Throws: a sentence saying what is wrong with `raw`.
    init(parsing raw: String) throws(ProviderEndpointError) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: text) else {
            throw ProviderEndpointError("is not a URL (expected e.g. https://api.example.com/v1)")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else { throw ProviderEndpointError("must start with http:// or https://") }
        guard components.user == nil, components.password == nil else {
            throw ProviderEndpointError("must not contain credentials; name the key's environment variable in apiKeyEnv")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ProviderEndpointError("must not have a query or fragment")
        }
        guard let host = components.host, !host.isEmpty, !host.contains(where: { $0.isWhitespace }) else {
            throw ProviderEndpointError("has no host")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw ProviderEndpointError("has a port outside 1...65535")
        }
        self.scheme = scheme
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path
    }

    /// `host` or `host:port` (the port only when it is not the scheme's default): what status,
    /// logs and errors show of the URL.
    var displayHost: String {
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? hostForURL : "\(hostForURL):\(port)"
    }

    /// The absolute URL of an API path such as `/chat/completions`.
    func url(_ path: String) -> String {
        "\(scheme)://\(hostForURL):\(port)\(pathPrefix)\(path)"
    }

    private var hostForURL: String {
        host.contains(":") ? "[\(host)]" : host
    }
}

/// Why a base URL cannot be used.
struct ProviderEndpointError: Error, Equatable, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

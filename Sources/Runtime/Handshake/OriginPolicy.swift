import Foundation

/// Which browser origins may open a WebSocket to the gateway (cross-site WebSocket
/// hijacking of an OpenClaw gateway was CVE-2026-25253), and — without authentication — which
/// `Host` names the WebSocket port answers at all (DNS rebinding).
///
/// Requests without an `Origin` header come from non-browser clients and are allowed; a
/// browser page may connect when it is served from the gateway's own host, from loopback, or
/// from an origin on the allow-list (`*` allows any).
///
/// "The gateway's own host" is the request's `Host` header, which the client chooses: a page
/// at `http://attacker.example:18789` whose DNS name is re-pointed at 127.0.0.1 (DNS
/// rebinding) sends `Origin` and `Host` both naming `attacker.example`. With a token that page
/// still cannot authenticate; with auth `none` it could, so then ``allows(host:)`` accepts
/// only loopback names (`localhost`, `127.0.0.0/8`, `::1`, any port), the hosts of the
/// allowed origins and the allowed hosts (`*` allows any) — OpenClaw likewise refuses to
/// trust the Host header on its own (`dangerouslyAllowHostHeaderOriginFallback`).
struct OriginPolicy: Sendable {
    /// Why a request is refused.
    enum Refusal: Sendable, Equatable {
        /// The `Host` header names neither loopback nor an allowed host (auth `none` only).
        case host
        /// The browser `Origin` is not allowed.
        case origin
    }

    let allowed: Set<String>
    /// Host names (without port) accepted in the `Host` header when ``checksHost`` is on.
    let allowedHosts: Set<String>
    /// Whether the `Host` header is checked: on with auth `none`.
    let checksHost: Bool

    init(allowedOrigins: [String], allowedHosts: [String] = [], checksHost: Bool = false) {
        allowed = Set(allowedOrigins.map(Self.normalized))
        var hosts = Set(allowedHosts.compactMap { Self.hostName(fromHostHeader: $0.trimmingCharacters(in: .whitespaces)) })
        for origin in allowed {
            if let host = URLComponents(string: origin)?.host?.lowercased() {
                hosts.insert(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
            }
        }
        self.allowedHosts = hosts
        self.checksHost = checksHost
    }

    /// nil when a WebSocket upgrade with these headers may proceed, else why not.
    func refusal(origin: String?, host: String?) -> Refusal? {
        if !allows(host: host) { return .host }
        return allows(origin: origin, host: host) ? nil : .origin
    }

    /// Whether the `Host` header is acceptable (always, unless ``checksHost``).
    func allows(host header: String?) -> Bool {
        guard checksHost else { return true }
        if allowedHosts.contains("*") { return true }
        guard let header, let name = Self.hostName(fromHostHeader: header.trimmingCharacters(in: .whitespaces)), !name.isEmpty else {
            return false
        }
        return Self.isLoopbackName(name) || allowedHosts.contains(name)
    }

    func allows(origin: String?, host: String?) -> Bool {
        guard let origin, !origin.isEmpty else { return true }
        let normalized = Self.normalized(origin)
        if allowed.contains("*") || allowed.contains(normalized) { return true }
        guard let originHost = URLComponents(string: normalized)?.host?.lowercased() else { return false }
        if Self.isLoopback(host: originHost) { return true }
        guard let host, let requestHost = Self.hostName(fromHostHeader: host) else { return false }
        return originHost == requestHost
    }

    static func normalized(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") || bare.hasSuffix(".localhost")
    }

    /// A `Host` name that can only mean this machine: `localhost`, an IPv4 literal in
    /// 127.0.0.0/8 or `::1`. Stricter than ``isLoopback(host:)``: `*.localhost` and
    /// `127.evil.example` are DNS names an attacker's resolver may answer.
    static func isLoopbackName(_ name: String) -> Bool {
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber) && (Int(octet) ?? 256) <= 255
        }
    }

    /// `example.com:18789` → `example.com`; `[::1]:18789` → `::1`; a trailing dot
    /// (`localhost.`) is dropped.
    static func hostName(fromHostHeader header: String) -> String? {
        let text = header.lowercased()
        if text.hasPrefix("[") {
            guard let end = text.firstIndex(of: "]") else { return nil }
            return String(text[text.index(after: text.startIndex)..<end])
        }
        guard var name = text.split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) else { return nil }
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}

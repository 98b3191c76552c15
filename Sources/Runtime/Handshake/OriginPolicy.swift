import Foundation

/// Which browser origins may open a WebSocket to the gateway (cross-site WebSocket
/// hijacking of an OpenClaw gateway was CVE-2026-25253).
///
/// Requests without an `Origin` header come from non-browser clients and are allowed; a
/// browser page may connect when it is served from the gateway's own host, from loopback, or
/// from an origin on the allow-list (`*` allows any).
struct OriginPolicy: Sendable {
    let allowed: Set<String>

    init(allowedOrigins: [String]) {
        allowed = Set(allowedOrigins.map(Self.normalized))
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

    /// `example.com:18789` → `example.com`; `[::1]:18789` → `::1`.
    static func hostName(fromHostHeader header: String) -> String? {
        let text = header.lowercased()
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<end])
        }
        return text.split(separator: ":").first.map(String.init)
    }
}

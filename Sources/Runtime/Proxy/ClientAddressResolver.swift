import Foundation
import NIOHTTP1

/// Finds the real client of a connection that may have come through proxies.
///
/// Only a peer inside one of the `trustedProxies` networks is believed: its `Forwarded` (RFC 7239
/// `for=`) or, without one, `X-Forwarded-For` header is read from the right — each proxy appends
/// the address it saw — skipping hops that are trusted proxies themselves; the first hop that is
/// not is the client. Everything left of it was written by the client and is ignored, so a client
/// cannot choose its own identity by sending the headers itself. With no trusted proxies (the
/// default) the TCP peer is the client and the headers are never read.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]

    /// Forwarded hops read at most; a longer chain is cut on the client's (left) side.
    static let maxHops = 32

    public init(trustedProxies: [IPNetwork]) {
        self.trustedProxies = trustedProxies
    }

    public func resolve(peer: String, headers: HTTPHeaders) -> ClientAddress {
        let direct = ClientAddress(address: peer, isLoopback: ClientAddress.isLoopback(peer))
        guard isTrusted(peer) else { return direct }
        let hops = Self.forwardedHops(headers)
        guard !hops.isEmpty else { return direct }
        var nearest = peer
        for hop in hops.reversed() {
            guard IPNetwork.addressBytes(hop) != nil else { break }
            nearest = hop
            if !isTrusted(hop) { break }
        }
        return ClientAddress(address: nearest, isLoopback: ClientAddress.isLoopback(nearest), proxy: peer)
    }

    func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The forwarded-for hops, client first: `Forwarded`'s `for=` values when that header is
    /// present, else `X-Forwarded-For`'s entries. Ports and IPv6 brackets are removed; at most
    /// the rightmost ``maxHops``.
    static func forwardedHops(_ headers: HTTPHeaders) -> [String] {
        let forwarded = headers[canonicalForm: "forwarded"]
        let hops: [String]
        if !forwarded.isEmpty {
            hops = forwarded.compactMap { element in
                element.split(separator: ";").lazy
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.lowercased().hasPrefix("for=") }
                    .map { hostOnly(unquoted(String($0.dropFirst(4)))) }
            }
        } else {
            hops = headers[canonicalForm: "x-forwarded-for"].map { hostOnly(String($0).trimmingCharacters(in: .whitespaces)) }
        }
        return Array(hops.suffix(maxHops))
    }

    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }

    /// `[v6]:port` → `v6`, `[v6]` → `v6`, `v4:port` → `v4`; a bare IPv6 address is left whole.
    private static func hostOnly(_ value: String) -> String {
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<close])
        }
        let colons = value.filter { $0 == ":" }.count
        if colons == 1, let colon = value.firstIndex(of: ":") { return String(value[..<colon]) }
        return value
    }
}

import Foundation
import GatewayClient
import Runtime
import Testing

/// DNS rebinding against a gateway without authentication: a page at
/// `http://attacker.example:<port>` whose name is re-pointed at 127.0.0.1 sends `Origin` and
/// `Host` both naming `attacker.example`, so "Origin equals Host" proves nothing. Written as
/// raw HTTP over a real socket, because only then can the test choose the `Host` header.
@Suite struct DNSRebindingTests {
    @Test("with auth none, an upgrade whose Host is not loopback is refused with 403, even when Origin equals Host")
    func foreignHostRefused() async throws {
        try await withGateway(token: nil) { gateway in
            let port = gateway.addresses.webSocketPort
            for (host, origin) in [
                ("attacker.example:\(port)", "http://attacker.example:\(port)"),  // the rebinding page
                ("attacker.example:\(port)", nil),  // no Origin at all
                ("127.attacker.example:\(port)", "http://127.attacker.example:\(port)"),
                ("localhost.attacker.example", nil),
            ] as [(String, String?)] {
                let head = try await RawHTTP.head(port: port, request: RawHTTP.upgradeRequest(host: host, origin: origin))
                #expect(RawHTTP.status(of: head) == 403, "Host \(host), Origin \(origin ?? "none"): \(head)")
            }
            // No Host at all is refused too.
            let head = try await RawHTTP.head(port: port, request: RawHTTP.upgradeRequest(host: nil))
            #expect(RawHTTP.status(of: head) == 403 || RawHTTP.status(of: head) == 400, "no Host: \(head)")
            // The Control UI page is not served under a foreign Host either.
            let page = try await RawHTTP.head(
                port: port, request: "GET / HTTP/1.1\r\nHost: attacker.example:\(port)\r\nConnection: close\r\n\r\n")
            #expect(RawHTTP.status(of: page) == 403, "\(page)")
            // The gateway carries on.
            let session = try await gateway.connect()
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("with auth none, loopback Host names (any port) and allowed hosts are served")
    func loopbackAndAllowedHostsServed() async throws {
        try await withGateway(token: nil, configure: {
            $0.allowedHosts = ["gateway.internal"]
            $0.allowedOrigins = ["https://ui.example.com"]
        }) { gateway in
            let port = gateway.addresses.webSocketPort
            for (host, origin) in [
                ("localhost:\(port)", "http://localhost:\(port)"), ("127.0.0.1:\(port)", nil), ("[::1]:\(port)", nil),
                ("127.0.0.1", nil), ("gateway.internal:\(port)", "http://gateway.internal:\(port)"),
                ("ui.example.com", "https://ui.example.com"),
            ] as [(String, String?)] {
                let head = try await RawHTTP.head(port: port, request: RawHTTP.upgradeRequest(host: host, origin: origin))
                #expect(RawHTTP.status(of: head) == 101, "Host \(host): \(head)")
            }
        }
    }

    @Test("with a token, the Host is not checked: the token is what protects the gateway")
    func tokenModeDoesNotCheckHost() async throws {
        try await withGateway { gateway in
            let port = gateway.addresses.webSocketPort
            let head = try await RawHTTP.head(port: port, request: RawHTTP.upgradeRequest(host: "gateway.example.com:\(port)"))
            #expect(RawHTTP.status(of: head) == 101, "\(head)")
        }
    }
}

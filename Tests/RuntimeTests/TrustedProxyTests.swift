import GatewayClient
import GeneratedProtocol
import NIOHTTP1
@testable import Runtime
import Testing

/// Behind an Ingress or load balancer every client has the proxy's address: one bad client locked
/// everyone out, and every budget was shared by the whole world. `--trusted-proxy` names the
/// proxies whose `Forwarded` / `X-Forwarded-For` are believed; nobody else's are.
@Suite struct TrustedProxyTests {
    // MARK: Networks

    @Test("CIDR networks: IPv4, IPv6, single hosts, IPv4-mapped peers; nonsense refused")
    func networks() throws {
        let pods = try #require(IPNetwork("10.0.0.0/8"))
        #expect(pods.contains("10.42.7.1"))
        #expect(pods.contains("::ffff:10.42.7.1"), "a dual-stack socket reports IPv4 peers mapped")
        #expect(!pods.contains("11.0.0.1"))
        #expect(!pods.contains("fd00::1"))
        #expect(pods.description == "10.0.0.0/8")
        let odd = try #require(IPNetwork("192.168.1.77/20"))
        #expect(odd.description == "192.168.0.0/20", "host bits are cleared")
        #expect(odd.contains("192.168.15.255") && !odd.contains("192.168.16.0"))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1"))
        let host = try #require(IPNetwork("127.0.0.1"))
        #expect(host.contains("127.0.0.1") && !host.contains("127.0.0.2"))
        #expect(try #require(IPNetwork("::/0")).contains("2001:db8::1"))
        for bad in ["", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "example.com", "fd00::/129", "10.0.0.0/8/8", "1.2.3.4/x"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    // MARK: Resolution

    static let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("10.0.0.0/8"), IPNetwork("fd00::/8")].compactMap { $0 })

    static func headers(_ pairs: [(String, String)]) -> HTTPHeaders { HTTPHeaders(pairs) }

    @Test("an untrusted peer is the client: its forwarding headers are ignored")
    func untrustedPeerIsTheClient() {
        let client = Self.resolver.resolve(peer: "203.0.113.9", headers: Self.headers([("X-Forwarded-For", "198.51.100.1")]))
        #expect(client == ClientAddress(address: "203.0.113.9", isLoopback: false))
        let none = ClientAddressResolver(trustedProxies: [])
        #expect(none.resolve(peer: "127.0.0.1", headers: Self.headers([("X-Forwarded-For", "198.51.100.1")])).address == "127.0.0.1")
    }

    @Test("X-Forwarded-For is read from the right, skipping trusted hops; what the client wrote on the left is ignored")
    func forwardedForFromTheRight() {
        let chain = Self.headers([("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.1.2.3")])
        let client = Self.resolver.resolve(peer: "10.0.0.5", headers: chain)
        #expect(client == ClientAddress(address: "198.51.100.7", isLoopback: false, proxy: "10.0.0.5"))
        let split = Self.headers([("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "198.51.100.8")])
        #expect(Self.resolver.resolve(peer: "10.0.0.5", headers: split).address == "198.51.100.8", "header lines join in order")
        let allTrusted = Self.headers([("X-Forwarded-For", "10.9.9.9, 10.1.1.1")])
        #expect(Self.resolver.resolve(peer: "10.0.0.5", headers: allTrusted).address == "10.9.9.9")
        let noHeader = Self.resolver.resolve(peer: "10.0.0.5", headers: [:])
        #expect(noHeader == ClientAddress(address: "10.0.0.5", isLoopback: false))
    }

    @Test("Forwarded (RFC 7239) wins over X-Forwarded-For; quotes, brackets and ports are removed")
    func forwardedHeader() {
        let headers = Self.headers([
            ("Forwarded", #"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https, For=10.3.3.3:8080"#),
            ("X-Forwarded-For", "198.51.100.99"),
        ])
        #expect(Self.resolver.resolve(peer: "10.0.0.5", headers: headers).address == "2001:db8:cafe::17")
        let v4 = Self.headers([("Forwarded", #"proto=https;for="192.0.2.60:47011""#)])
        #expect(Self.resolver.resolve(peer: "fd00::1", headers: v4).address == "192.0.2.60")
    }

    @Test("a hop that is not an address stops the walk at the nearest trusted hop")
    func garbageHop() {
        let headers = Self.headers([("X-Forwarded-For", "198.51.100.1, unknown, 10.4.4.4")])
        #expect(Self.resolver.resolve(peer: "10.0.0.5", headers: headers).address == "10.4.4.4")
        let forwarded = Self.headers([("Forwarded", "for=_hidden")])
        #expect(Self.resolver.resolve(peer: "10.0.0.5", headers: forwarded).address == "10.0.0.5")
    }

    @Test("a forwarded loopback client is loopback; a loopback proxy's client is not")
    func loopbackness() {
        let sidecar = ClientAddressResolver(trustedProxies: [IPNetwork("127.0.0.1/32")].compactMap { $0 })
        let remote = sidecar.resolve(peer: "127.0.0.1", headers: Self.headers([("X-Forwarded-For", "198.51.100.3")]))
        #expect(remote == ClientAddress(address: "198.51.100.3", isLoopback: false, proxy: "127.0.0.1"))
        let local = sidecar.resolve(peer: "127.0.0.1", headers: [:])
        #expect(local.isLoopback)
    }

    @Test("the loopback exemption from the lockout is on by default and off once a trusted proxy is set, unless configured")
    func loopbackExemption() {
        var configuration = RuntimeConfiguration()
        #expect(configuration.exemptsLoopbackFromLockout)
        configuration.trustedProxies = [IPNetwork("127.0.0.1")].compactMap { $0 }
        #expect(!configuration.exemptsLoopbackFromLockout)
        configuration.authFailureLimit.exemptLoopback = true
        #expect(configuration.exemptsLoopbackFromLockout)
    }

    // MARK: Over a real socket

    @Test("behind a trusted proxy, one forwarded client's failed logins lock out that client only")
    func lockoutKeysOnTheForwardedClient() async throws {
        try await withGateway(configure: {
            $0.trustedProxies = [IPNetwork("127.0.0.1/32")].compactMap { $0 }
            $0.authFailureLimit.failures = 3
        }) { gateway in
            let attacker = [("X-Forwarded-For", "198.51.100.66")]
            for _ in 0..<3 {
                let session = try await gateway.open(headers: attacker)
                let refused = try await session.rawConnect(GatewayHarness.connectParams(token: "wrong"))
                #expect(refused.ok == false)
                await session.close()
            }
            let locked = try await gateway.open(headers: attacker)
            let response = try await locked.rawConnect(GatewayHarness.connectParams(token: gateway.token))
            #expect(response.error?.details?["code"] == "AUTH_RATE_LIMITED", "the attacker stays locked out with the right token")
            await locked.close()

            let neighbour = try await gateway.open(headers: [("X-Forwarded-For", "198.51.100.67")])
            let hello = try await neighbour.rawConnect(GatewayHarness.connectParams(token: gateway.token))
            #expect(hello.ok, "another client behind the same proxy is not locked out: \(String(describing: hello.error))")
            await neighbour.close()
        }
    }

    @Test("without a trusted proxy, X-Forwarded-For is ignored: a client cannot pick its own identity")
    func spoofedHeadersAreIgnored() async throws {
        try await withGateway(configure: {
            $0.authFailureLimit.exemptLoopback = false
            $0.authFailureLimit.failures = 3
        }) { gateway in
            for index in 0..<3 {
                let session = try await gateway.open(headers: [("X-Forwarded-For", "198.51.100.\(index)")])
                _ = try await session.rawConnect(GatewayHarness.connectParams(token: "wrong"))
                await session.close()
            }
            let session = try await gateway.open(headers: [("X-Forwarded-For", "198.51.100.200")])
            let response = try await session.rawConnect(GatewayHarness.connectParams(token: gateway.token))
            #expect(response.error?.details?["code"] == "AUTH_RATE_LIMITED", "all three failures counted against 127.0.0.1")
            await session.close()
        }
    }

    @Test("behind a trusted proxy, write budgets belong to each forwarded client")
    func budgetsKeyOnTheForwardedClient() async throws {
        try await withGateway(configure: {
            $0.trustedProxies = [IPNetwork("127.0.0.0/8")].compactMap { $0 }
            $0.writeRateLimit = .init(messages: 2, window: .seconds(60))
        }) { gateway in
            func client(_ address: String) async throws -> GatewaySession {
                let session = try await gateway.open(headers: [("X-Forwarded-For", address)])
                _ = try await session.connect(GatewayHarness.connectParams(token: gateway.token))
                return session
            }
            func patch(_ session: GatewaySession, _ index: Int) async throws -> ResponseFrame {
                try await session.request("sessions.patch", params: ["key": .string("agent:main:p\(index)")])
            }
            let first = try await client("198.51.100.10")
            #expect(try await patch(first, 0).ok)
            #expect(try await patch(first, 1).ok)
            #expect(try await patch(first, 2).error?.code == "UNAVAILABLE")
            let second = try await client("198.51.100.11")
            #expect(try await patch(second, 3).ok, "a different client behind the same proxy has its own budget")
            let firstAgain = try await client("198.51.100.10")
            #expect(try await patch(firstAgain, 4).error?.code == "UNAVAILABLE", "the same client reconnecting keeps its budget")
            for session in [first, second, firstAgain] { await session.close() }
        }
    }
}

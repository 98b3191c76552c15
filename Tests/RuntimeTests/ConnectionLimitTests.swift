import Foundation
import GatewayClient
import Runtime
import Testing

/// Limits on TCP connections before they are of any use: a socket must send its request head
/// within `upgradeTimeout` (WebSocket port) and each complete HTTP request within
/// `httpIdleTimeout`; past `maxConnections` / `maxHTTPConnections` a new connection is closed
/// at once. Other clients carry on, and `/metrics` counts every socket closed this way.
@Suite struct ConnectionLimitTests {
    @Test("a socket on the WebSocket port that sends no complete request head is closed after upgradeTimeout",
          arguments: ["", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webs"])
    func upgradeTimeout(_ partialRequest: String) async throws {
        // Short enough for a test, long enough for a loaded machine to send an upgrade in time.
        try await withGateway(configure: { $0.upgradeTimeout = .seconds(2) }) { gateway in
            // Upgraded before the slow socket opens, and still in use after that socket's
            // deadline: the deadline ends with the upgrade.
            let other = try await gateway.connect(instanceId: "other")
            let (closed, received) = try await RawConnection.with(port: gateway.addresses.webSocketPort) { slow in
                if !partialRequest.isEmpty { try await slow.write(partialRequest) }
                return (await slow.readUntilClosed(), slow.received)
            }
            #expect(closed, "the server closed the slow socket")
            #expect(received.isEmpty, "without an answer")
            #expect(try await other.request("health").ok)
            let metrics = Self.metrics(gateway)
            #expect(metrics.value("kubeclaw_connections_timed_out_total", ["listener": "gateway", "stage": "upgrade"]) == 1)
            await other.close()
        }
    }

    struct IdleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var listener: Listener
        var bytes: String
        /// Whether a response comes before the close.
        var answered: Bool
        var testDescription: String { name }
    }

    static let idleCases: [IdleCase] = [
        IdleCase(name: "ops port, a request trickled in", listener: .http, bytes: "GET /healthz HTTP/1.1\r\nHost: x\r\n", answered: false),
        IdleCase(name: "ops port, keep-alive after a response", listener: .http, bytes: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", answered: true),
        IdleCase(name: "Control UI, keep-alive after a response", listener: .gateway, bytes: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", answered: true),
    ]

    @Test("an HTTP connection that sends no complete request within httpIdleTimeout is closed; new requests are answered",
          arguments: idleCases)
    func httpIdleTimeout(_ idle: IdleCase) async throws {
        try await withGateway(configure: { $0.httpIdleTimeout = .seconds(2) }) { gateway in
            let port = idle.listener == .http ? gateway.addresses.httpPort : gateway.addresses.webSocketPort
            let (closed, received) = try await RawConnection.with(port: port) { slow in
                try await slow.write(idle.bytes)
                return (await slow.readUntilClosed(), String(decoding: slow.received, as: UTF8.self))
            }
            #expect(closed, "the server closed the idle connection")
            #expect(received.hasPrefix("HTTP/1.1 200") == idle.answered, "received: \(received)")
            #expect(try await Self.answers(port: port, target: idle.listener == .http ? "/healthz" : "/"))
            let metrics = Self.metrics(gateway)
            #expect((metrics.value("kubeclaw_connections_timed_out_total", ["listener": idle.listener.rawValue, "stage": "http_idle"]) ?? 0) >= 1)
        }
    }

    @Test("past maxConnections a new socket on the WebSocket port is closed at once; open clients carry on, and a freed place is taken again")
    func webSocketConnectionCap() async throws {
        try await withGateway(configure: { $0.maxConnections = 3 }) { gateway in
            var sessions: [GatewaySession] = []
            for index in 0..<3 { sessions.append(try await gateway.connect(instanceId: "held-\(index)")) }
            let (closed, received) = try await RawConnection.with(port: gateway.addresses.webSocketPort) { extra in
                (await extra.readUntilClosed(), extra.received)
            }
            #expect(closed, "the connection over the cap was closed")
            #expect(received.isEmpty)
            for session in sessions { #expect(try await session.request("health").ok) }
            #expect(Self.metrics(gateway).value("kubeclaw_connections_refused_total", ["listener": "gateway", "reason": "max_connections"]) == 1)

            await sessions.removeLast().close()
            try await eventually("the closed session's place is free") {
                Self.metrics(gateway).value("kubeclaw_tcp_connections", ["listener": "gateway"]) == 2
            }
            let again = try await gateway.connect(instanceId: "again")
            #expect(try await again.request("health").ok)
            await again.close()
            for session in sessions { await session.close() }
        }
    }

    @Test("past maxHTTPConnections a new socket on the ops port is closed at once; open connections carry on")
    func httpConnectionCap() async throws {
        try await withGateway(configure: { $0.maxHTTPConnections = 2; $0.httpIdleTimeout = .seconds(60) }) { gateway in
            let port = gateway.addresses.httpPort
            try await RawConnection.with(2, port: port) { held in
                try await eventually("both held connections are accepted") {
                    Self.metrics(gateway).value("kubeclaw_tcp_connections", ["listener": "http"]) == 2
                }
                let (closed, received) = try await RawConnection.with(port: port) { extra in
                    (await extra.readUntilClosed(), extra.received)
                }
                #expect(closed, "the connection over the cap was closed")
                #expect(received.isEmpty)
                try await held[0].write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(await held[0].read { String(decoding: $0, as: UTF8.self).hasPrefix("HTTP/1.1 200") }, "a held connection is served")
            }
            #expect(Self.metrics(gateway).value("kubeclaw_connections_refused_total", ["listener": "http", "reason": "max_connections"]) == 1)
            try await eventually("the held connections' places are free") {
                Self.metrics(gateway).value("kubeclaw_tcp_connections", ["listener": "http"]) == 0
            }
            #expect(RawHTTP.status(of: try await RawHTTP.get(port: port, target: "/healthz")) == 200)
        }
    }

    /// Whether `GET target` gets a 200 — tried up to three times: under load even a fresh
    /// request may miss a short idle timeout, which is then doing its job.
    private static func answers(port: Int, target: String) async throws -> Bool {
        for _ in 0..<3 {
            if let reply = try? await RawHTTP.get(port: port, target: target), RawHTTP.status(of: reply) == 200 { return true }
        }
        return false
    }

    /// The gateway's metrics read in-process: the ops port may be full or slow on purpose.
    private static func metrics(_ gateway: GatewayHarness) -> PrometheusText {
        PrometheusText(gateway.server.metrics.exposition())
    }
}

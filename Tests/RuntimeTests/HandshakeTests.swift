import Foundation
import GatewayClient
import GeneratedProtocol
import Runtime
import Testing

/// The OpenClaw v3 handshake over a real socket: challenge first, `connect` first, protocol
/// range, token, timeouts, origins.
@Suite struct HandshakeTests {
    @Test("the server speaks first with connect.challenge (nonce, ts, no seq)")
    func challengeFirst() async throws {
        try await withGateway { gateway in
            let (session, challenge) = try await GatewaySession.open(url: gateway.webSocketURL)
            let event = try #require(challenge)
            #expect(event.index == 0)
            #expect(event.frame.event == "connect.challenge")
            #expect(event.frame.seq == nil)
            #expect(event.json["payload"]?["nonce"]?.stringValue?.count == 36)
            #expect((event.json["payload"]?["ts"]?.intValue ?? 0) > 1_700_000_000_000)
            await session.close()
        }
    }

    @Test("a good token gets hello-ok with the spec's features, the policy and session defaults")
    func helloOk() async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let hello = try await session.connect(GatewayHarness.connectParams(token: gateway.token))
            #expect(hello.type == "hello-ok")
            #expect(hello.protocol == 3)
            #expect(hello.features.methods.sorted() == ProtocolInfo.methods.sorted())
            #expect(hello.features.methods.count == 27)
            #expect(Set(hello.features.events).isSuperset(of: ["connect.challenge", "chat", "agent", "tick", "health", "shutdown"]))
            #expect(hello.policy == .init(maxBufferedBytes: 1_048_576, maxPayload: 65536, tickIntervalMs: 30000))
            #expect(hello.snapshot.sessionDefaults == .init(defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main", scope: "per-sender"))
            #expect(hello.snapshot.authMode == .token)
            #expect(hello.server.version == "0.0.0-test")
            #expect(hello.server.connId.count == 36)
            #expect(hello.snapshot.stateVersion.presence >= 0)
            await session.close()
        }
    }

    @Test("a wrong token is refused with AUTH_TOKEN_MISMATCH, then the socket closes with 1008")
    func wrongToken() async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            let response = try await session.rawConnect(GatewayHarness.connectParams(token: "not-the-token"))
            #expect(response.ok == false)
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message.hasPrefix("unauthorized: gateway token mismatch") == true)
            #expect(response.error?.details?["code"] == "AUTH_TOKEN_MISMATCH")
            #expect(response.error?.details?["recommendedNextStep"] == "update_auth_credentials")
            #expect(try await recorder.closeCode() == 1008)
        }
    }

    @Test("a missing token is refused with AUTH_TOKEN_MISSING and 1008")
    func missingToken() async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            let response = try await session.rawConnect(GatewayHarness.connectParams(token: nil))
            #expect(response.error?.details?["code"] == "AUTH_TOKEN_MISSING")
            #expect(try await recorder.closeCode() == 1008)
        }
    }

    @Test("older clients may pass the token as ?token= or x-gateway-token")
    func legacyTokenPlaces() async throws {
        try await withGateway { gateway in
            let token = try #require(gateway.token)
            let viaQuery = try await gateway.open(path: "/?token=\(token)")
            #expect(try await viaQuery.connect(GatewayHarness.connectParams(token: nil)).type == "hello-ok")
            let viaHeader = try await gateway.open(headers: [("x-gateway-token", token)])
            #expect(try await viaHeader.connect(GatewayHarness.connectParams(token: nil)).type == "hello-ok")
            await viaQuery.close()
            await viaHeader.close()
        }
    }

    @Test("password mode checks auth.password")
    func passwordMode() async throws {
        try await withGateway(configure: { $0.auth = AuthConfiguration(mode: .password, secret: "hunter2") }) { gateway in
            let good = try await gateway.open()
            var params = GatewayHarness.connectParams(token: nil)
            params.auth = .init(password: "hunter2")
            #expect(try await good.connect(params).snapshot.authMode == .password)
            let bad = try await gateway.open()
            params.auth = .init(password: "hunter3")
            #expect(try await bad.rawConnect(params).error?.details?["code"] == "AUTH_PASSWORD_MISMATCH")
            await good.close()
        }
    }

    @Test("a request before connect is refused and the socket closes with 1008")
    func requestBeforeConnect() async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            let response = try await session.request("health", id: "early")
            #expect(response.id == "early")
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "invalid handshake: first request must be connect")
            #expect(try await recorder.closeCode() == 1008)
        }
    }

    @Test("a protocol range with neither 4 nor 3 is refused PROTOCOL_MISMATCH, naming both ranges, then close 1002",
          arguments: [(5, 9), (1, 2)])
    func protocolMismatch(_ min: Int, _ max: Int) async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            let response = try await session.rawConnect(GatewayHarness.connectParams(token: gateway.token, minProtocol: min, maxProtocol: max))
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "protocol mismatch")
            #expect(response.error?.details == [
                "code": "PROTOCOL_MISMATCH", "clientMinProtocol": .integer(min), "clientMaxProtocol": .integer(max),
                "expectedProtocol": 4, "supportedProtocols": [3, 4],
            ])
            #expect(try await recorder.closeCode() == 1002)
        }
    }

    @Test("the newest version in the client's range is spoken: 4 when offered, else 3", arguments: [
        (2, 4, 4), (4, 4, 4), (3, 4, 4), (4, 7, 4), (3, 3, 3), (1, 3, 3),
    ])
    func protocolRange(_ min: Int, _ max: Int, _ expected: Int) async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let hello = try await session.connect(GatewayHarness.connectParams(token: gateway.token, minProtocol: min, maxProtocol: max))
            #expect(hello.protocol == expected)
            // Protocol 4 always carries auth {role, scopes}; protocol 3 only with a device token.
            if expected == 4 {
                #expect(hello.auth?.role == "operator")
                #expect(hello.auth?.scopes == ["operator.admin"])
                #expect(hello.auth?.deviceToken == nil)
            } else {
                #expect(hello.auth == nil)
            }
            await session.close()
        }
    }

    @Test("invalid connect params are refused with the path of the problem, then 1008")
    func invalidConnectParams() async throws {
        try await withGateway { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            let response = try await session.request("connect", params: ["minProtocol": 3, "maxProtocol": 3])
            #expect(response.error?.message == "invalid connect params: at /: must have required property 'client'")
            #expect(try await recorder.closeCode() == 1008)
        }
    }

    @Test("unknown client ids and modes from rebranded builds are accepted")
    func unknownClientAccepted() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect(clientId: "moltx-control-ui", mode: "operator")
            let health = try await session.request("health")
            #expect(health.ok)
            await session.close()
        }
    }

    @Test("no connect within the handshake timeout closes the socket with 1000 and no error frame")
    func handshakeTimeout() async throws {
        try await withGateway(configure: { $0.handshakeTimeout = .milliseconds(300) }) { gateway in
            let session = try await gateway.open()
            let recorder = FrameRecorder(session)
            #expect(try await recorder.closeCode() == 1000)
            #expect(session.closeReason == "handshake timeout")
            #expect(recorder.frames.allSatisfy { $0.event?.event == "connect.challenge" })
        }
    }

    @Test("connect a second time is refused but the connection stays open")
    func secondConnect() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let again = try await session.rawConnect(GatewayHarness.connectParams(token: gateway.token))
            #expect(again.error?.message == "connect is only valid as the first request")
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("a browser page from another site cannot open a WebSocket (403)")
    func crossSiteOriginRefused() async throws {
        try await withGateway { gateway in
            await #expect(throws: WebSocketConnectionError.self) {
                _ = try await gateway.open(headers: [("Origin", "https://evil.example")])
            }
            do {
                _ = try await gateway.open(headers: [("Origin", "https://evil.example")])
            } catch let WebSocketConnectionError.upgradeRefused(status, _, body) {
                #expect(status == 403)
                #expect(body.contains("origin not allowed"))
            }
            // Other connections carry on.
            let session = try await gateway.connect()
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("loopback origins, the gateway's own host and allow-listed origins may connect")
    func allowedOrigins() async throws {
        try await withGateway(configure: { $0.allowedOrigins = ["https://ui.example.com"] }) { gateway in
            for origin in ["http://localhost:5173", "http://127.0.0.1:18789", "https://ui.example.com", "http://127.0.0.1:\(gateway.addresses.webSocketPort)"] {
                let session = try await gateway.open(headers: [("Origin", origin)])
                #expect(try await session.connect(GatewayHarness.connectParams(token: gateway.token)).type == "hello-ok", "origin \(origin)")
                await session.close()
            }
        }
    }

    @Test("repeated failed authentication locks the address out, even with the right token afterwards")
    func authLockout() async throws {
        try await withGateway(configure: {
            $0.authFailureLimit.exemptLoopback = false
            $0.authFailureLimit.failures = 3
        }) { gateway in
            for _ in 0..<3 {
                let session = try await gateway.open()
                _ = try await session.rawConnect(GatewayHarness.connectParams(token: "wrong"))
                await session.close()
            }
            let session = try await gateway.open()
            let response = try await session.rawConnect(GatewayHarness.connectParams(token: gateway.token))
            #expect(response.error?.details?["code"] == "AUTH_RATE_LIMITED")
            #expect(response.error?.retryable == true)
            #expect((response.error?.retryAfterMs ?? 0) > 0)
        }
    }

    @Test("a client without scopes may call health but nothing that needs a scope")
    func scopes() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect(scopes: [])
            #expect(try await session.request("health").ok)
            let status = try await session.request("status")
            #expect(status.error?.message == "missing scope: operator.read")
            let reader = try await gateway.connect(scopes: ["operator.read"])
            #expect(try await reader.request("status").ok)
            #expect(try await reader.request("sessions.delete", params: ["key": "x"]).error?.message == "missing scope: operator.admin")
            let writer = try await gateway.connect(scopes: ["operator.write"])
            #expect(try await writer.request("sessions.list").ok, "write satisfies read")
            await session.close()
            await reader.close()
            await writer.close()
        }
    }
}

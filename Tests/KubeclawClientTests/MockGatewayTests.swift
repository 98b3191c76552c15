import Foundation
import KubeclawClient
import KubeclawMockGateway
import Testing

/// The mock gateway serves the spec's examples over a real loopback WebSocket, and the client
/// against it: the runtime's gap detection, cancel frame and reconnect where the mock can force
/// what a healthy gateway never does.
@Suite("KubeclawMockGateway and the client against it", .timeLimit(.minutes(3)))
struct MockGatewayTests {
    static let token = "mock-token"

    static func withMock(_ body: (MockGateway, KubeclawClient) async throws -> Void) async throws {
        let mock = try await MockGateway.start(token: token)
        var options = clientOptions(mock.url, token: token)
        options.reconnect = ReconnectPolicy(initialDelay: .milliseconds(50), maxDelay: .milliseconds(500))
        let client = KubeclawClient(options: options)
        do {
            try await client.start()
            try await body(mock, client)
        } catch {
            await client.close()
            await mock.shutdown()
            throw error
        }
        await client.close()
        await mock.shutdown()
    }

    @Test func theExamplesTableIsTheSpecsAndSharesTheClientsFingerprint() {
        #expect(MockExamples.spec.fingerprint == KubeclawClientProtocol.fingerprint)
        #expect(MockExamples.spec.protocols == KubeclawClientProtocol.versions)
        #expect(MockExamples.spec.methods["chat.send"]?.result != nil)
        #expect(MockExamples.spec.methods.count == MethodName.allCases.count)
    }

    @Test func everyMethodAnswersWithItsSpecExample() async throws {
        try await Self.withMock { mock, client in
            #expect(client.negotiatedProtocol == 4)
            let health = try await client.health()
            #expect(health.ok == true)
            #expect(health.ts == 1_767_225_660_000, "the spec's example")
            let ack = try await client.chatSend(ChatSendParams(idempotencyKey: "k", message: "hi", sessionKey: "main"))
            #expect(ack.runId == "6f1c2b9e-1d7a-4d0e-8b0e-2a9d3c4e5f60")
            let created = try await client.sessionsCreate(SessionsCreateParams(label: "x"))
            #expect(created.ok == true)
        }
    }

    @Test func theSpecsInvalidParamsAreRejectedWithTheirCode() async throws {
        try await Self.withMock { _, client in
            let thrown = await #expect(throws: GatewayCallError.self) {
                _ = try await client.sessionsList(SessionsListParams(limit: 0))
            }
            #expect(thrown.map { error -> Bool in
                guard case GatewayCallError.rpc(let shape, _) = error else { return false }
                return shape.code == ErrorCode.invalidRequest.rawValue
            } == true)
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        let mock = try await MockGateway.start(token: Self.token)
        let client = KubeclawClient(options: clientOptions(mock.url, token: "wrong"))
        await #expect(throws: GatewayCallError.self) { try await client.start() }
        #expect(client.phase == .closed)
        await mock.shutdown()
    }

    @Test func emittedEventsArriveTypedAndASeqJumpIsReportedAsAGap() async throws {
        try await Self.withMock { mock, client in
            let log = EventLog(client)
            await mock.emit("tick")
            await mock.emit("tick")
            await mock.emit("tick", seq: 7)
            let gap = try await log.first("the gap report") { entry -> [Int]? in
                if case .gap(let expected, let received) = entry { return [expected, received] }
                return nil
            }
            #expect(gap == [3, 7])
            try await eventually("three ticks") {
                log.all.filter { if case .event(.tick) = $0 { true } else { false } }.count == 3
            }
            #expect(client.runtime.gapCount == 1)
            let payload: JSONValue = ["runId": "r1", "sessionKey": "main", "seq": 1, "state": "delta", "deltaText": "Hel"]
            await mock.emit("chat", payload: payload)
            let delta = try await log.first("the chat event") { entry -> ChatEvent? in
                if case .event(.chat(let event)) = entry { return event }
                return nil
            }
            #expect(delta.deltaText == "Hel")
            #expect(delta.state == .delta)
        }
    }

    @Test func aTimedOutRequestSendsTheCancelFrameWithItsID() async throws {
        try await Self.withMock { mock, client in
            mock.answer("agent.wait", with: .silence)
            let thrown = await #expect(throws: GatewayCallError.self) {
                _ = try await client.agentWait(AgentWaitParams(runId: "r1"), timeout: .milliseconds(200))
            }
            #expect(thrown.map { error -> Bool in
                if case GatewayCallError.timedOut(method: "agent.wait", _) = error { return true }
                return false
            } == true)
            try await eventually("the cancel frame") {
                mock.received.contains { $0["type"]?.stringValue == "cancel" }
            }
            let request = try #require(mock.received.first { $0["method"]?.stringValue == "agent.wait" })
            let cancel = try #require(mock.received.first { $0["type"]?.stringValue == "cancel" })
            #expect(cancel["id"] == request["id"])
            #expect(try await client.health().ok == true, "the connection stays usable")
        }
    }

    @Test func aDroppedConnectionIsReestablishedWithBackoff() async throws {
        try await Self.withMock { mock, client in
            let log = EventLog(client)
            await mock.dropConnections()
            let closed = try await log.first("the close report") { entry -> Bool? in
                if case .close(_, _, let reconnecting) = entry { return reconnecting }
                return nil
            }
            #expect(closed)
            _ = try await log.first("open again") { entry -> Bool? in
                if case .open = entry { return true }
                return nil
            }
            let delays = log.all.compactMap { entry -> Duration? in
                if case .reconnecting(_, let delay) = entry { return delay }
                return nil
            }
            #expect(!delays.isEmpty)
            #expect(delays.allSatisfy { $0 >= .milliseconds(25) && $0 <= .milliseconds(500) })
            #expect(try await client.health().ok == true)
        }
    }

    @Test func overridesReplaceAnExample() async throws {
        try await Self.withMock { mock, client in
            mock.answer("health", with: .error(code: "UNAVAILABLE", message: "down for the test"))
            let thrown = await #expect(throws: GatewayCallError.self) {
                _ = try await client.health()
            }
            #expect(thrown.map { error -> Bool in
                guard case GatewayCallError.rpc(let shape, _) = error else { return false }
                return shape.code == "UNAVAILABLE" && shape.message == "down for the test"
            } == true)
        }
    }

    @Test func anUnknownEventArrivesAsOther() async throws {
        try await Self.withMock { mock, client in
            let log = EventLog(client)
            await mock.emit("custom.thing", payload: ["x": 1])
            let other = try await log.first("the unknown event") { entry -> ReceivedEvent? in
                if case .event(.other(let received)) = entry { return received }
                return nil
            }
            #expect(other.name == "custom.thing")
            #expect(other.frame.payload?["x"] == 1)
        }
    }

    @Test func aReconnectRefusedForItsCredentialsStopsTheClient() async throws {
        let first = try await MockGateway.start(token: Self.token)
        let port = first.port
        var options = clientOptions(first.url, token: Self.token)
        options.reconnect = ReconnectPolicy(initialDelay: .milliseconds(50), maxDelay: .milliseconds(200))
        let client = KubeclawClient(options: options)
        try await client.start()
        let log = EventLog(client)
        await first.shutdown()
        // The gateway comes back on the same port with another token: retrying cannot help.
        let second = try await MockGateway.start(port: port, token: "rotated")
        let final = try await log.first("the final close") { entry -> String? in
            if case .close(_, let reason, false) = entry { return reason ?? "" }
            return nil
        }
        #expect(final.contains("INVALID_REQUEST"))
        #expect(client.phase == .closed)
        let thrown = await #expect(throws: GatewayCallError.self) { _ = try await client.health() }
        #expect(thrown.map { if case .connectionClosed = $0 { true } else { false } } == true)
        await client.close()
        await second.shutdown()
    }
}

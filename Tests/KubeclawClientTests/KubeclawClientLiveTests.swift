import Foundation
import KubeclawClient
import OllamaSimulator
import Testing

/// The typed Swift client against a real gateway (assembled as `kubeclaw serve`, over loopback)
/// with the Ollama simulator behind it streaming at a realistic pace (40 pieces/s).
@Suite("KubeclawClient against a real gateway", .timeLimit(.minutes(5)))
struct KubeclawClientLiveTests {
    /// A started client; the caller closes it.
    static func started(_ gateway: LiveGateway, configure: (inout GatewayClientOptions) -> Void = { _ in }) async throws -> KubeclawClient {
        var options = clientOptions(gateway.url)
        configure(&options)
        let client = KubeclawClient(options: options)
        try await client.start()
        return client
    }

    @Test func offeringThreeToFourNegotiatesFourAndHelloOkCarriesAuth() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            #expect(client.negotiatedProtocol == 4)
            #expect(client.phase == .open)
            #expect(KubeclawClientProtocol.versions == [3, 4])
            #expect(client.hello?.auth?.role == "operator")
            #expect(client.hello?.features.methods.contains("chat.send") == true)
            await client.close()
            #expect(client.phase == .closed)
        }
    }

    @Test func aClientOfferingOnlyThreeGetsThree() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway) { $0.protocols = 3...3 }
            #expect(client.negotiatedProtocol == 3)
            #expect(try await client.health().ok == true)
            await client.close()
        }
    }

    @Test func aWrongTokenIsRefusedWithATypedErrorAndNotRetried() async throws {
        try await withLiveGateway { gateway in
            let client = KubeclawClient(options: clientOptions(gateway.url, token: "not-the-token"))
            let thrown = await #expect(throws: GatewayCallError.self) {
                try await client.start()
            }
            #expect(thrown.map { error -> Bool in
                guard case GatewayCallError.rpc(let shape, _) = error else { return false }
                return shape.code == ErrorCode.invalidRequest.rawValue && shape.details?["code"]?.stringValue == "AUTH_TOKEN_MISMATCH"
            } == true)
            #expect(client.phase == .closed)
        }
    }

    @Test func aSignedDeviceIdentityIsAccepted() async throws {
        try await withLiveGateway { gateway in
            let device = DeviceIdentity()
            let client = try await Self.started(gateway) { $0.device = device }
            #expect(client.negotiatedProtocol == 4)
            #expect(client.hello?.auth?.deviceToken?.isEmpty == false, "a verified device is issued a device token")
            await client.close()
        }
    }

    @Test func healthReturnsTheTypedSummary() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            let health = try await client.health()
            #expect(health.ok == true)
            #expect(health.ts > 0)
            await client.close()
        }
    }

    @Test func sessionsCreatePatchListDelete() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            let created = try await client.sessionsCreate(SessionsCreateParams(label: "swift-client"))
            #expect(created.ok == true)
            let key = created.key
            let patched = try await client.sessionsPatch(SessionsPatchParams(key: key, label: .value("swift-client-renamed")))
            #expect(patched.entry.label == "swift-client-renamed")
            let listed = try await client.sessionsList(SessionsListParams(search: "swift-client-renamed"))
            #expect(listed.sessions.contains { $0.key == key })
            let deleted = try await client.sessionsDelete(SessionsDeleteParams(key: key))
            #expect(deleted.deleted == true)
            let after = try await client.sessionsList()
            #expect(!after.sessions.contains { $0.key == key })
            await client.close()
        }
    }

    @Test func chatSendStreamsDeltasThenFinal() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            let log = EventLog(client)
            let runId = UUID().uuidString.lowercased()
            let ack = try await client.chatSend(ChatSendParams(idempotencyKey: runId, message: "Hello!", sessionKey: "main"))
            #expect(ack.runId == runId)
            let final = try await log.first("the final chat event of \(runId)") { entry -> ChatEvent? in
                guard case .event(.chat(let event)) = entry, event.runId == runId, event.state != .delta else { return nil }
                return event
            }
            #expect(final.state == .final)
            let deltas = log.chat(runId: runId).filter { $0.state == .delta }
            #expect(deltas.count >= 2, "a reply streamed at 40 pieces/s arrives in several deltas")
            #expect(deltas.compactMap(\.deltaText).joined() == LiveGateway.reply)
            await client.close()
        }
    }

    @Test func chatAbortStopsARunningChat() async throws {
        try await withLiveGateway(tokensPerSecond: 20) { gateway in
            let client = try await Self.started(gateway)
            let log = EventLog(client)
            let sessionKey = try await client.sessionsCreate(SessionsCreateParams(label: "swift-abort")).key
            let runId = UUID().uuidString.lowercased()
            _ = try await client.chatSend(ChatSendParams(idempotencyKey: runId, message: "Count slowly", sessionKey: sessionKey))
            _ = try await log.first("a first delta") { entry -> Bool? in
                guard case .event(.chat(let event)) = entry, event.runId == runId, event.state == .delta else { return nil }
                return true
            }
            let result = try await client.chatAbort(ChatAbortParams(runId: runId, sessionKey: sessionKey))
            #expect(result.aborted == true)
            #expect(result.runIds == [runId])
            _ = try await log.first("the aborted event") { entry -> Bool? in
                guard case .event(.chat(let event)) = entry, event.runId == runId, event.state == .aborted else { return nil }
                return true
            }
            await client.close()
        }
    }

    @Test func invalidParamsFailWithATypedInvalidRequest() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            let thrown = await #expect(throws: GatewayCallError.self) {
                _ = try await client.sessionsList(SessionsListParams(limit: 0))
            }
            #expect(thrown.map { error -> Bool in
                guard case GatewayCallError.rpc(let shape, _) = error else { return false }
                return shape.code == ErrorCode.invalidRequest.rawValue && shape.retryable != true
                    && shape.message.contains("invalid sessions.list params")
            } == true)
            #expect(try await client.health().ok == true, "the connection stays usable")
            await client.close()
        }
    }

    @Test func aRequestThatTimesOutFailsAndIsCancelledAtTheGateway() async throws {
        try await withLiveGateway { gateway in
            let client = try await Self.started(gateway)
            let session = try #require(client.runtime.currentSession)
            let thrown = await #expect(throws: GatewayCallError.self) {
                _ = try await client.agentWait(AgentWaitParams(runId: "run-that-never-starts", timeoutMs: 60_000), timeout: .milliseconds(300))
            }
            guard case .timedOut(let method, let id)? = thrown else {
                Issue.record("expected a timeout, got \(String(describing: thrown))")
                return
            }
            #expect(method == "agent.wait")
            // The gateway stops the wait on the cancel frame and answers it UNAVAILABLE "cancelled";
            // that late answer has no waiting request any more, so the session keeps it as unmatched.
            try await eventually("the gateway's answer to the cancel") {
                session.protocolViolations.contains { frame in
                    frame.response?.id == id && frame.response?.error?.details?["reason"]?.stringValue == "cancelled"
                }
            }
            #expect(try await client.health().ok == true, "the connection stays usable after the cancel")
            await client.close()
        }
    }

    @Test func reconnectsAfterTheServerRestartsOnTheSamePort() async throws {
        let simulator = OllamaSimulator(behaviour: SimulatorBehaviour(reply: .text(LiveGateway.reply), tokensPerSecond: 40))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-swift-reconnect-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await simulator.withRunning { simulatorPort in
            var client: KubeclawClient?
            var log: EventLog?
            let port = try await withLiveGateway(simulator: simulator, simulatorPort: simulatorPort, dataDirectory: directory) { gateway in
                let started = try await Self.started(gateway) {
                    $0.reconnect = ReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1))
                }
                client = started
                log = EventLog(started)
                return gateway.port
            }
            let reconnecting = try #require(client)
            let events = try #require(log)
            let closed = try await events.first("the close report") { entry -> Bool? in
                if case .close(_, _, let again) = entry { return again }
                return nil
            }
            #expect(closed == true)
            await #expect(throws: GatewayCallError.self) { _ = try await reconnecting.health() }
            try await withLiveGateway(port: port, simulator: simulator, simulatorPort: simulatorPort, dataDirectory: directory) { _ in
                _ = try await events.first("open again", timeout: .seconds(60)) { entry -> Bool? in
                    if case .open = entry { return true }
                    return nil
                }
                #expect(reconnecting.phase == .open)
                #expect(events.all.contains { if case .reconnecting = $0 { true } else { false } })
                #expect(try await reconnecting.health().ok == true)
                await reconnecting.close()
            }
        }
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol
import NIOCore
import NIOWebSocket
import Testing

@Suite("GatewaySession against a scripted gateway", .timeLimit(.minutes(10)))
struct GatewaySessionTests {
    typealias Request = (id: String, method: String, params: JSONValue?)

    /// Answers the client's close frame, after reading at most `limit` other frames.
    static func closeWhenAsked(_ connection: TestServerConnection, limit: Int = 100) async throws {
        guard let close = try await connection.nextClose(limit: limit) else { return }
        try await connection.send(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: close.unmaskedData))
    }

    // MARK: Handshake

    @Test func theChallengeComesFirstThenConnectReturnsHelloOk() async throws {
        let connects = Recorder<JSONValue>()
        let script: TestWebSocketServer.Handler = { connection in
            guard let connect = try await GatewayScript.handshake(connection) else { return }
            connects.append(connect.params ?? .null)
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, challenge) = try await GatewaySession.open(url: server.url())
            let received = try #require(challenge)
            #expect(received.name == "connect.challenge")
            #expect(received.raw == GatewayScript.challenge())
            #expect(received.frame.payload?["nonce"] == "5b0d6a3e-2f7c-4c1e-9a51-0c8f3f0b2d11")
            #expect(received.index == 0)
            #expect(session.challenge == received)

            let hello = try await session.connect(GatewayScript.connectParams)
            #expect(hello.protocol == 3)
            #expect(hello.server.connId == "conn-1")
            #expect(session.hello == hello)

            let params = try #require(await connects.waitFor(count: 1).first)
            #expect(params["minProtocol"] == 3)
            #expect(params["client"]?["id"] == "test")
            #expect(params["role"] == nil, "absent optional fields are omitted, not null")
            await session.close()
        }
    }

    @Test func withoutAChallengeOpenReturnsNilAfterTheChallengeTimeout() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            var configuration = GatewaySessionConfiguration()
            configuration.challengeTimeout = .milliseconds(200)
            let start = ContinuousClock.now
            let (session, challenge) = try await GatewaySession.open(url: server.url(), configuration: configuration)
            let elapsed = ContinuousClock.now - start
            #expect(challenge == nil)
            #expect(elapsed >= .milliseconds(190))
            // The server stays silent until asked to close: only the timer ends the wait.
            #expect(elapsed < .seconds(30))
            await session.close()
        }
    }

    @Test func aFirstFrameThatIsNotAChallengeIsNotTakenForOne() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: #"{"type":"event","event":"tick","payload":{"ts":1}}"#)
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, challenge) = try await GatewaySession.open(url: server.url())
            #expect(challenge == nil)
            var events = session.events.makeAsyncIterator()
            #expect(await events.next()?.name == "tick")
            await session.close()
        }
    }

    @Test func aRefusedConnectThrowsTheRPCErrorAndTheCloseIsVisible() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            guard let connect = GatewayScript.request(try await connection.nextText()) else { return }
            try await connection.send(
                text: GatewayScript.failure(
                    id: connect.id,
                    code: "INVALID_REQUEST",
                    message: "unauthorized: gateway token mismatch",
                    details: ["code": "AUTH_TOKEN_MISMATCH"]
                )
            )
            try await connection.sendClose(code: 1008, reason: "unauthorized")
            _ = try await connection.nextClose()
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            let expected = ErrorShape(
                code: "INVALID_REQUEST",
                details: ["code": "AUTH_TOKEN_MISMATCH"],
                message: "unauthorized: gateway token mismatch"
            )
            await #expect(throws: GatewayCallError.rpc(expected, id: "c1")) {
                try await session.connect(GatewayScript.connectParams, id: "c1")
            }
            #expect(session.hello == nil)
            // The frames stream ends with the connection; bounded by the close.
            var count = 0
            for await _ in session.frames { count += 1 }
            #expect(count == 2)
            #expect(session.closeCode == 1008)
            #expect(session.closeReason == "unauthorized")
            await session.close()
        }
    }

    // MARK: Requests

    @Test func concurrentRequestsAnsweredOutOfOrderEachGetTheirOwnResponse() async throws {
        let arrival = Recorder<String>()
        let script: TestWebSocketServer.Handler = { connection in
            guard try await GatewayScript.handshake(connection) != nil else { return }
            var requests: [Request] = []
            for _ in 0..<3 {
                guard let request = GatewayScript.request(try await connection.nextText()) else { return }
                arrival.append(request.method)
                requests.append(request)
            }
            // All three are in; answer the last first.
            for request in requests.reversed() {
                try await connection.send(
                    text: GatewayScript.ok(id: request.id, payload: ["method": .string(request.method), "params": request.params ?? .null])
                )
            }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            _ = try await session.connect(GatewayScript.connectParams)
            async let first = session.request("first", params: ["n": 1])
            async let second = session.request("second", params: ["n": 2], id: "my-own-id")
            async let third = session.request("third")
            let responses = try await [first, second, third]
            #expect(responses.map { $0.payload?["method"] } == ["first", "second", "third"])
            #expect(responses.map { $0.payload?["params"] } == [["n": 1], ["n": 2], .null])
            #expect(responses[1].id == "my-own-id")
            #expect(responses.allSatisfy { $0.ok })
            #expect(Set(await arrival.waitFor(count: 3)) == ["first", "second", "third"])
            #expect(session.protocolViolations.isEmpty)
            await session.close()
        }
    }

    @Test func callEncodesTypedParamsAndDecodesTheTypedResult() async throws {
        let seen = Recorder<Request>()
        let script: TestWebSocketServer.Handler = { connection in
            guard try await GatewayScript.handshake(connection) != nil else { return }
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            seen.append(request)
            try await connection.send(
                text: GatewayScript.ok(
                    id: request.id,
                    payload: ["agents": [["id": "main"]], "defaultId": "main", "mainKey": "main", "scope": "per-sender"]
                )
            )
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            _ = try await session.connect(GatewayScript.connectParams)
            let result = try await session.call(.agentsList, params: AgentsListParams(), as: AgentsListResult.self)
            #expect(result.defaultId == "main")
            #expect(result.agents.map(\.id) == ["main"])
            let request = try #require(await seen.waitFor(count: 1).first)
            #expect(request.method == "agents.list")
            #expect(request.params == [:])
            await session.close()
        }
    }

    @Test func aResultOfTheWrongShapeIsAnUnexpectedPayload() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            guard try await GatewayScript.handshake(connection) != nil else { return }
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            try await connection.send(text: GatewayScript.ok(id: request.id, payload: ["agents": "none"]))
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            _ = try await session.connect(GatewayScript.connectParams)
            let error = await #expect(throws: GatewayCallError.self) {
                try await session.call(.agentsList, params: AgentsListParams(), as: AgentsListResult.self)
            }
            guard case .unexpectedPayload(let method, _, _)? = error else {
                Issue.record("expected unexpectedPayload, got \(String(describing: error))")
                return
            }
            #expect(method == "agents.list")
            await session.close()
        }
    }

    @Test func aTimedOutRequestThrowsAndItsLateResponseIsReportedAsUnmatched() async throws {
        let timedOut = Recorder<Bool>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            // Answers only once the client has given up, however late its timer fires.
            _ = await timedOut.waitFor(count: 1, timeout: .seconds(60))
            try await connection.send(text: GatewayScript.ok(id: request.id, payload: ["late": true]))
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            await #expect(throws: GatewayCallError.timedOut(method: "health", id: "slow-1")) {
                try await session.request("health", id: "slow-1", timeout: .milliseconds(100))
            }
            timedOut.append(true)
            var frames = session.frames.makeAsyncIterator()
            #expect(await frames.next()?.event?.event == "connect.challenge")
            let late = try #require(await frames.next())
            #expect(late.kind == .response(ResponseFrame(id: "slow-1", ok: true, payload: ["late": true]), matched: false))
            #expect(session.protocolViolations == [late])
            await session.close()
        }
    }

    @Test func aMalformedResponseFailsTheRequestItNames() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            try await connection.send(text: #"{"type":"res","id":"\#(request.id)","ok":"yes"}"#)
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            let error = await #expect(throws: GatewayCallError.self) {
                try await session.request("status", id: "r-9", timeout: .seconds(5))
            }
            guard case .malformedResponse(let frame)? = error else {
                Issue.record("expected malformedResponse, got \(String(describing: error))")
                return
            }
            #expect(frame.raw == #"{"type":"res","id":"r-9","ok":"yes"}"#)
            #expect(session.protocolViolations.map(\.raw) == [frame.raw])
            await session.close()
        }
    }

    @Test func aSecondRequestWithAnIDStillWaitingIsRefused() async throws {
        let seen = Recorder<String>()
        let secondTried = Recorder<Bool>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            seen.append(request.id)
            // Keeps the first request waiting until the second has been tried, however slowly.
            _ = await secondTried.waitFor(count: 1, timeout: .seconds(60))
            try await connection.send(text: GatewayScript.ok(id: request.id, payload: [:]))
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            async let first = session.request("health", id: "same", timeout: .seconds(60))
            try #require(await seen.waitFor(count: 1) == ["same"], "the first request did not reach the server")
            await #expect(throws: GatewayCallError.duplicateRequestID("same")) {
                try await session.request("health", id: "same")
            }
            secondTried.append(true)
            #expect(try await first.ok)
            await session.close()
        }
    }

    @Test func aServerCloseFailsPendingRequestsWithItsCode() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            guard GatewayScript.request(try await connection.nextText()) != nil else { return }
            try await connection.send(text: #"{"type":"event","event":"shutdown","payload":{"reason":"gateway stopping"}}"#)
            try await connection.sendClose(code: 1012, reason: "service restart")
            _ = try await connection.nextClose()
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            await #expect(throws: GatewayCallError.connectionClosed(code: 1012, reason: "service restart")) {
                try await session.request("health")
            }
            await #expect(throws: GatewayCallError.connectionClosed(code: 1012, reason: "service restart")) {
                try await session.request("health")
            }
            await session.close()
        }
    }

    @Test func aHundredConcurrentSessionsShareTheDefaultEventLoopGroup() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            guard try await GatewayScript.handshake(connection) != nil else { return }
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            try await connection.send(text: GatewayScript.ok(id: request.id, payload: request.params ?? .null))
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let url = try server.url()
            let answers = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                for n in 0..<100 {
                    group.addTask {
                        let (session, _) = try await GatewaySession.open(url: url)
                        _ = try await session.connect(GatewayScript.connectParams)
                        let response = try await session.request("echo", params: ["n": .integer(n)], timeout: .seconds(60))
                        await session.close()
                        return response.payload?["n"]
                    }
                }
                var answers: [JSONValue?] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(Set(answers.compactMap { $0?.intValue }) == Set(0..<100))
        }
    }

    // MARK: What the server sends

    @Test func eventsArriveInOrderWithTheirRawText() async throws {
        let ticks = (1...5).map { #"{"type":"event", "event":"tick","payload":{"ts":\#($0)},"seq":\#($0)}"# }
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            for tick in ticks {
                try await connection.send(text: tick)
            }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            var received: [ReceivedEvent] = []
            for await event in session.events {
                received.append(event)
                if received.count == 6 { break }
            }
            #expect(received.map(\.name) == ["connect.challenge"] + Array(repeating: "tick", count: 5))
            #expect(received.dropFirst().map(\.raw) == ticks)
            #expect(received.dropFirst().map(\.frame.seq) == [1, 2, 3, 4, 5])
            #expect(received.map(\.index) == Array(0...5))
            #expect(received.dropFirst().map { $0.json["payload"]?["ts"] } == [1, 2, 3, 4, 5])
            let times = received.map(\.receivedAt)
            #expect(times == times.sorted())
            await session.close()
        }
    }

    @Test func garbageIsSurfacedInOrderAndNothingBreaks() async throws {
        let garbage = [
            "this is not json",
            "[1,2,3]",
            #"{"no":"type"}"#,
            #"{"type":"wat"}"#,
            #"{"type":"event"}"#,
            #"{"type":"res","id":"nobody","ok":true}"#,
            String(repeating: "[", count: 100_000),
        ]
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            for text in garbage {
                try await connection.send(text: text)
            }
            try await connection.send(binary: [1, 2, 3])
            try await connection.send(text: #"{"type":"event","event":"tick","payload":{"ts":1}}"#)
            guard let request = GatewayScript.request(try await connection.nextText()) else { return }
            try await connection.send(text: GatewayScript.ok(id: request.id, payload: ["ok": true]))
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            var frames: [ReceivedFrame] = []
            for await frame in session.frames {
                frames.append(frame)
                if frame.event?.event == "tick" { break }
            }
            #expect(frames.map(\.index) == Array(0..<10))
            #expect(frames.map(\.raw) == [GatewayScript.challenge()] + garbage + ["", #"{"type":"event","event":"tick","payload":{"ts":1}}"#])

            let violations = session.protocolViolations
            #expect(violations.map(\.index) == Array(1...8))
            #expect(session.protocolViolationCount == 8)
            let reasons = violations.map { violation -> String in
                switch violation.kind {
                case .malformed(let reason): reason
                case .response(_, matched: false): "unmatched response"
                case .binary(let bytes): "binary \(bytes)"
                default: "not a violation"
                }
            }
            // Index only what is there: a short list fails here instead of trapping the whole run.
            try #require(reasons.count == 8, "violations: \(reasons)")
            #expect(reasons[0].hasPrefix("not JSON"))
            #expect(reasons[1] == "not a JSON object")
            #expect(reasons[2] == "no string member \"type\"")
            #expect(reasons[3] == "unknown frame type \"wat\"")
            #expect(reasons[4].hasPrefix("invalid event frame"))
            #expect(reasons[5] == "unmatched response")
            #expect(reasons[6].hasPrefix("not JSON"))
            #expect(reasons[7] == "binary [1, 2, 3]")

            // Still a working session.
            let response = try await session.request("health", timeout: .seconds(5))
            #expect(response.payload == ["ok": true])
            await session.close()
        }
    }

    @Test func sendRawReachesTheServerVerbatim() async throws {
        let seen = Recorder<String>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            if let text = try await connection.nextText() { seen.append(text) }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            let broken = #"{"type":"req","id":"x","method":"connect","params":{"#
            try await session.sendRaw(text: broken)
            #expect(await seen.waitFor(count: 1) == [broken])
            await session.close()
        }
    }

    @Test func closeFinishesTheStreamsAndLaterRequestsFail() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: GatewayScript.challenge())
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let (session, _) = try await GatewaySession.open(url: server.url())
            await session.close(code: 1000, reason: "done")
            await session.close()
            var events: [String] = []
            for await event in session.events { events.append(event.name) }
            #expect(events == ["connect.challenge"])
            var frames = 0
            for await _ in session.frames { frames += 1 }
            #expect(frames == 1)
            #expect(session.closeCode == 1000)
            await #expect(throws: GatewayCallError.connectionClosed(code: 1000, reason: "done")) {
                try await session.request("health")
            }
        }
    }
}

import Foundation
import GatewayClient
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Testing

@Suite("WebSocketConnection over real loopback sockets", .timeLimit(.minutes(10)))
struct WebSocketConnectionTests {
    /// Echoes text and binary frames; answers a close frame with the same code and reason.
    static let echo: TestWebSocketServer.Handler = { connection in
        for _ in 0..<1000 {
            guard let frame = try await connection.nextFrame() else { return }
            switch frame.opcode {
            case .text, .binary:
                try await connection.send(frame: WebSocketFrame(fin: true, opcode: frame.opcode, data: frame.unmaskedData))
            case .connectionClose:
                try await connection.send(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
                return
            default:
                continue
            }
        }
    }

    /// Waits for the client's close frame and answers it.
    static let closeWhenAsked: TestWebSocketServer.Handler = { connection in
        guard let close = try await connection.nextClose() else { return }
        try await connection.send(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: close.unmaskedData))
    }

    // MARK: Messages

    @Test func textAndBinaryMessagesArriveIntact() async throws {
        try await TestWebSocketServer.with(handler: Self.echo) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            try await connection.send(text: "héllo, wörld 🌍")
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("héllo, wörld 🌍"))
            let bytes: [UInt8] = [0, 1, 2, 0x7F, 0x80, 0xFF]
            try await connection.send(binary: bytes)
            #expect(try await connection.receive(timeout: .seconds(5)) == .binary(bytes))
            await connection.close()
        }
    }

    @Test func everyFrameTheClientSendsIsMasked() async throws {
        let seen = Recorder<(WebSocketOpcode, masked: Bool)>()
        let script: TestWebSocketServer.Handler = { connection in
            for _ in 0..<10 {
                guard let frame = try await connection.nextFrame() else { return }
                seen.append((frame.opcode, frame.maskKey != nil))
                if frame.opcode == .connectionClose {
                    try await connection.sendClose(code: 1000, reason: "")
                    return
                }
            }
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            try await connection.send(text: "text")
            try await connection.send(binary: [1, 2, 3])
            try await connection.send(frame: WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "p")))
            await connection.close()
            let frames = await seen.waitFor(count: 4)
            #expect(frames.map(\.0) == [.text, .binary, .ping, .connectionClose])
            #expect(frames.map(\.masked) == [true, true, true, true])
        }
    }

    @Test func fragmentedMessagesAreReassembledAroundInterleavedPings() async throws {
        let pongs = Recorder<String>()
        let script: TestWebSocketServer.Handler = { connection in
            func fragment(_ opcode: WebSocketOpcode, _ text: String, fin: Bool) -> WebSocketFrame {
                WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(string: text))
            }
            try await connection.send(frame: fragment(.text, "Hel", fin: false))
            try await connection.sendPing("mid-message")
            try await connection.send(frame: fragment(.continuation, "lo, ", fin: false))
            try await connection.send(frame: fragment(.continuation, "world", fin: true))
            try await connection.send(frame: WebSocketFrame(fin: false, opcode: .binary, data: ByteBuffer(bytes: [1, 2])))
            try await connection.send(frame: WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: [3])))
            if let pong = try await connection.nextFrame(), pong.opcode == .pong {
                pongs.append(String(buffer: pong.unmaskedData))
            }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("Hello, world"))
            #expect(try await connection.receive(timeout: .seconds(5)) == .binary([1, 2, 3]))
            #expect(await pongs.waitFor(count: 1) == ["mid-message"])
            await connection.close()
        }
    }

    @Test func pingsAreAnsweredWithTheirPayloadEvenWhileNobodyReceives() async throws {
        let replies = Recorder<(WebSocketOpcode, String)>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.sendPing("are you there?")
            if let frame = try await connection.nextFrame() {
                replies.append((frame.opcode, String(buffer: frame.unmaskedData)))
            }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            let reply = await replies.waitFor(count: 1).first
            #expect(reply?.0 == .pong)
            #expect(reply?.1 == "are you there?")
            await connection.close()
        }
    }

    @Test func invalidUTF8TextFailsTheConnectionWith1007() async throws {
        let closes = Recorder<UInt16?>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x61, 0xFF, 0xFE])))
            closes.append(try await connection.nextClose()?.closeCode)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            let error = await #expect(throws: WebSocketConnectionError.self) {
                try await connection.receive(timeout: .seconds(5))
            }
            guard case .protocolViolation? = error else {
                Issue.record("expected a protocol violation, got \(String(describing: error))")
                return
            }
            #expect(await closes.waitFor(count: 1) == [1007])
            await connection.close()
        }
    }

    @Test func aFrameOverTheSizeLimitFailsTheConnectionWith1009() async throws {
        let closes = Recorder<UInt16?>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(binary: [UInt8](repeating: 7, count: 4096))
            closes.append(try await connection.nextClose()?.closeCode)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            var configuration = WebSocketConfiguration()
            configuration.maxFrameSize = 1024
            let connection = try await WebSocketConnection.connect(to: server.url(), configuration: configuration)
            let error = await #expect(throws: WebSocketConnectionError.self) {
                try await connection.receive(timeout: .seconds(5))
            }
            guard case .protocolViolation? = error else {
                Issue.record("expected a protocol violation, got \(String(describing: error))")
                return
            }
            #expect(await closes.waitFor(count: 1) == [1009])
            await connection.close()
        }
    }

    @Test func rawFramesGoOutAsGivenFragmentsAndUnmaskedOnRequest() async throws {
        let seen = Recorder<(WebSocketOpcode, fin: Bool, masked: Bool, text: String)>()
        let script: TestWebSocketServer.Handler = { connection in
            for _ in 0..<3 {
                guard let frame = try await connection.nextFrame() else { return }
                seen.append((frame.opcode, frame.fin, frame.maskKey != nil, String(buffer: frame.unmaskedData)))
            }
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            try await connection.send(frame: WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: "frag")))
            try await connection.send(frame: WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: "ment")))
            try await connection.send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "bare")), masked: false)
            let frames = await seen.waitFor(count: 3)
            #expect(frames.map(\.0) == [.text, .continuation, .text])
            #expect(frames.map(\.fin) == [false, true, true])
            #expect(frames.map(\.masked) == [true, true, false])
            #expect(frames.map(\.text) == ["frag", "ment", "bare"])
            await connection.close()
        }
    }

    // MARK: Closing

    @Test func theServersCloseCodeAndReasonAreObservedAndEchoed() async throws {
        let echoed = Recorder<UInt16?>()
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: "last words")
            try await connection.sendClose(code: 1008, reason: "slow consumer")
            echoed.append(try await connection.nextClose()?.closeCode)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("last words"))
            #expect(try await connection.receive(timeout: .seconds(5)) == nil)
            #expect(connection.closeCode == 1008)
            #expect(connection.closeReason == "slow consumer")
            #expect(await echoed.waitFor(count: 1) == [1008])
            // The end is sticky.
            #expect(try await connection.receive(timeout: .seconds(1)) == nil)
            await connection.close()
        }
    }

    @Test func aDroppedTCPConnectionEndsWithoutACloseCode() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            await connection.drop()
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            #expect(try await connection.receive(timeout: .seconds(5)) == nil)
            #expect(connection.closeCode == nil)
            #expect(connection.closeReason == nil)
            await #expect(throws: WebSocketConnectionError.connectionClosed) {
                try await connection.send(text: "anyone?")
            }
            await connection.close()
        }
    }

    @Test func closeRunsTheHandshakeAndIsIdempotent() async throws {
        let closes = Recorder<(UInt16?, String)>()
        let script: TestWebSocketServer.Handler = { connection in
            guard let close = try await connection.nextClose() else { return }
            closes.append((close.closeCode, close.closeReason))
            try await connection.sendClose(code: 4000, reason: "bye too")
        }
        try await TestWebSocketServer.with(handler: script) { server in
            // A close timeout far beyond any scheduling delay: finishing before it proves the
            // client went by the server's answer, not by the timer.
            var configuration = WebSocketConfiguration()
            configuration.closeTimeout = .seconds(60)
            let connection = try await WebSocketConnection.connect(to: server.url(), configuration: configuration)
            let start = ContinuousClock.now
            await connection.close(code: 4000, reason: "bye")
            await connection.close()
            #expect(ContinuousClock.now - start < configuration.closeTimeout)
            let seen = await closes.waitFor(count: 1)
            #expect(seen.map(\.0) == [4000])
            #expect(seen.map(\.1) == ["bye"])
            #expect(connection.closeCode == 4000)
            #expect(connection.closeReason == "bye too")
            await #expect(throws: WebSocketConnectionError.connectionClosed) {
                try await connection.send(text: "after close")
            }
        }
    }

    @Test func closeGivesUpAfterTheCloseTimeoutWhenTheServerNeverAnswers() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            // Reads everything, answers nothing, until the client drops TCP.
            for _ in 0..<10 {
                guard try await connection.nextFrame(timeout: .seconds(10)) != nil else { return }
            }
        }
        try await TestWebSocketServer.with(handler: script) { server in
            var configuration = WebSocketConfiguration()
            configuration.closeTimeout = .milliseconds(300)
            let connection = try await WebSocketConnection.connect(to: server.url(), configuration: configuration)
            let start = ContinuousClock.now
            await connection.close()
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(250))
            // Gave up by its own timer (the server would have held on for minutes).
            #expect(elapsed < .seconds(30))
            #expect(connection.closeCode == nil)
        }
    }

    // MARK: Handshake

    @Test func aRefusedUpgradeThrowsItsHTTPStatus() async throws {
        try await TestWebSocketServer.with(
            decide: { _ in .refuse(.forbidden, body: "origin not allowed") },
            handler: Self.echo
        ) { server in
            await #expect(throws: WebSocketConnectionError.upgradeRefused(status: 403, reason: "Forbidden", body: "origin not allowed")) {
                try await WebSocketConnection.connect(to: server.url(), headers: [("Origin", "http://evil.example")])
            }
        }
    }

    @Test func theQueryStringAndExtraHeadersReachTheServer() async throws {
        try await TestWebSocketServer.with(handler: Self.closeWhenAsked) { server in
            let first = try await WebSocketConnection.connect(
                to: server.url("/gateway?token=s3cret%20value&x=1"),
                headers: [("Origin", "http://localhost:18789"), ("x-gateway-token", "abc")]
            )
            await first.close()
            let second = try await WebSocketConnection.connect(host: "127.0.0.1", port: server.port, path: "other?token=t")
            await second.close()

            let requests = await server.upgradeRequests.waitFor(count: 2)
            try #require(requests.count == 2)
            #expect(requests[0].uri == "/gateway?token=s3cret%20value&x=1")
            #expect(requests[0].headers["Origin"] == ["http://localhost:18789"])
            #expect(requests[0].headers["x-gateway-token"] == ["abc"])
            #expect(requests[0].headers["Host"] == ["127.0.0.1:\(server.port)"])
            #expect(requests[1].uri == "/other?token=t")
        }
    }

    @Test func framesSentInTheSamePacketAsThe101ResponseAreKept() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            try await connection.send(text: "server speaks first")
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(holdUpgradeResponse: true, handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("server speaks first"))
            await connection.close()
        }
    }

    @Test func aServerThatNeverAnswersTheUpgradeTimesOut() async throws {
        let silent = try await SilentTCPServer.start()
        var configuration = WebSocketConfiguration()
        configuration.connectTimeout = .milliseconds(200)
        let start = ContinuousClock.now
        await #expect(throws: WebSocketConnectionError.timedOut) {
            try await WebSocketConnection.connect(host: "127.0.0.1", port: silent.port, configuration: configuration)
        }
        // The silent server never answers: only the client's own timer ends the wait.
        #expect(ContinuousClock.now - start < .seconds(30))
        await silent.stop()
    }

    @Test func nobodyListeningFailsToConnect() async throws {
        let gone = try await SilentTCPServer.start()
        let port = gone.port
        await gone.stop()
        let error = await #expect(throws: WebSocketConnectionError.self) {
            try await WebSocketConnection.connect(host: "127.0.0.1", port: port)
        }
        guard case .connectFailed? = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: ["wss://127.0.0.1:1/", "http://127.0.0.1:1/", "ws:///path", "ws://127.0.0.1:0/"])
    func onlyPlainWebSocketURLsAreAccepted(url: String) async throws {
        let url = try #require(URL(string: url))
        await #expect(throws: WebSocketConnectionError.unsupportedURL(url.absoluteString)) {
            try await WebSocketConnection.connect(to: url)
        }
    }

    // MARK: Receiving

    @Test func aReceiveTimeoutLeavesTheConnectionUsable() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            guard try await connection.nextText() == "now" else { return }
            try await connection.send(text: "reply")
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            let start = ContinuousClock.now
            await #expect(throws: WebSocketConnectionError.timedOut) {
                try await connection.receive(timeout: .milliseconds(150))
            }
            #expect(ContinuousClock.now - start >= .milliseconds(140))
            try await connection.send(text: "now")
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("reply"))
            await connection.close()
        }
    }

    @Test func aCancelledReceiveLosesNothing() async throws {
        let script: TestWebSocketServer.Handler = { connection in
            guard try await connection.nextText() == "now" else { return }
            try await connection.send(text: "kept")
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            let waiting = Task { try await Self.receiveOnceFree(connection) }
            try #require(try await Self.anotherReceiveIsWaiting(on: connection), "the receive never started waiting")
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            try await connection.send(text: "now")
            #expect(try await connection.receive(timeout: .seconds(5)) == .text("kept"))
            await connection.close()
        }
    }

    @Test func onlyOneTaskReceivesAtATime() async throws {
        try await TestWebSocketServer.with(handler: Self.echo) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            let first = Task { try await Self.receiveOnceFree(connection, timeout: .seconds(30)) }
            try #require(try await Self.anotherReceiveIsWaiting(on: connection), "the first receive never started waiting")
            await #expect(throws: WebSocketConnectionError.receiveInProgress) {
                try await connection.receive(timeout: .seconds(1))
            }
            try await connection.send(text: "for the first")
            #expect(try await first.value == .text("for the first"))
            await connection.close()
        }
    }

    @Test func aPausedConnectionReadsNothingSoTheServerBacksUp() async throws {
        let frameSize = 256 * 1024
        let maxFrames = 256
        let backedUpAfter = Recorder<Int>()
        let script: TestWebSocketServer.Handler = { connection in
            guard try await connection.nextText() == "go" else { return }
            let payload = [UInt8](repeating: 0xAB, count: frameSize)
            var sent = 0
            while sent < maxFrames, connection.channel.isWritable {
                try await connection.send(binary: payload)
                sent += 1
                // Let the event loop flush, so writability reflects what the client did not take.
                try await Task.sleep(for: .milliseconds(1))
            }
            backedUpAfter.append(sent)
            try await connection.send(text: "done")
            try await Self.closeWhenAsked(connection)
        }
        try await TestWebSocketServer.with(handler: script) { server in
            let connection = try await WebSocketConnection.connect(to: server.url())
            try await connection.pauseReading()
            try await connection.send(text: "go")

            let sent = try #require(await backedUpAfter.waitFor(count: 1, timeout: .seconds(20)).first)
            #expect(sent < maxFrames, "the server's writes never backed up")
            await #expect(throws: WebSocketConnectionError.timedOut) {
                try await connection.receive(timeout: .milliseconds(100))
            }

            try await connection.resumeReading()
            var binaries = 0
            for _ in 0...(sent + 1) {
                switch try await connection.receive(timeout: .seconds(5)) {
                case .binary(let bytes)?:
                    #expect(bytes.count == frameSize)
                    binaries += 1
                case .text(let text)?:
                    #expect(text == "done")
                    #expect(binaries == sent)
                    await connection.close()
                    return
                case nil:
                    Issue.record("the connection ended after \(binaries) of \(sent) messages")
                    return
                }
            }
            Issue.record("no \"done\" after \(binaries) messages")
        }
    }

    // MARK: Helpers

    /// Whether, within 30 s, another task's receive is waiting on `connection`: a receive of
    /// this task's is then refused. Until it waits, each probe takes the receive slot itself for
    /// 10 ms and times out (the server must send nothing meanwhile), so that task receives with
    /// ``receiveOnceFree(_:timeout:)``.
    static func anotherReceiveIsWaiting(on connection: WebSocketConnection) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            do {
                let message = try await connection.receive(timeout: .milliseconds(10))
                Issue.record("a message reached the probe instead of the waiting receive: \(String(describing: message))")
                return false
            } catch WebSocketConnectionError.receiveInProgress {
                return true
            } catch WebSocketConnectionError.timedOut {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return false
    }

    /// A receive that tries again (for up to 30 s) while the slot is taken, as it is for a moment
    /// by each probe of ``anotherReceiveIsWaiting(on:)`` until this receive waits.
    static func receiveOnceFree(_ connection: WebSocketConnection, timeout: Duration? = nil) async throws -> WebSocketMessage? {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                if let timeout { return try await connection.receive(timeout: timeout) }
                return try await connection.receive()
            } catch WebSocketConnectionError.receiveInProgress where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}

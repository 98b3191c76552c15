import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import NIOCore
import NIOWebSocket
import Runtime
import Testing

/// The limits that keep one client from hurting the others: message size, malformed input,
/// write rate per client identity, unauthorized floods, slow consumers, and the event stream's
/// `seq` and `tick`.
@Suite struct LimitTests {
    // MARK: Message size

    @Test("a message of maxPayload + 1 bytes closes that connection with 1009; another keeps working")
    func oversizeMessage() async throws {
        try await withGateway { gateway in
            let big = try await gateway.connect(instanceId: "big")
            let other = try await gateway.connect(instanceId: "other")
            let recorder = FrameRecorder(big)
            try await big.sendRaw(text: String(repeating: "a", count: 65536 + 1))
            #expect(try await recorder.closeCode() == 1009)
            #expect(try await other.request("health").ok)
            await other.close()
        }
    }

    @Test("a message of exactly maxPayload bytes is accepted")
    func messageAtTheLimit() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let frame = Self.paddedRequest(id: "edge", method: "health", totalBytes: 65536)
            #expect(frame.utf8.count == 65536)
            try await session.sendRaw(text: frame)
            let reply = try await recorder.waitFor("the reply to the 64 KiB request") { $0.response?.id == "edge" }
            #expect(reply.response?.ok == true)
            await session.close()
        }
    }

    @Test("a fragmented message whose fragments together pass maxPayload closes with 1009")
    func oversizeFragmentedMessage() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let piece = ByteBuffer(repeating: UInt8(ascii: "a"), count: 40_000)
            try await session.connection.send(frame: WebSocketFrame(fin: false, opcode: .text, data: piece))
            try await session.connection.send(frame: WebSocketFrame(fin: true, opcode: .continuation, data: piece))
            #expect(try await recorder.closeCode() == 1009)
        }
    }

    @Test("a fragmented message within maxPayload is reassembled and answered")
    func fragmentedMessage() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let text = Self.paddedRequest(id: "pieces", method: "health", totalBytes: 30_000)
            let bytes = Array(text.utf8)
            let parts = [bytes[0..<10_000], bytes[10_000..<20_000], bytes[20_000...]]
            for (index, part) in parts.enumerated() {
                let opcode: WebSocketOpcode = index == 0 ? .text : .continuation
                try await session.connection.send(
                    frame: WebSocketFrame(fin: index == parts.count - 1, opcode: opcode, data: ByteBuffer(bytes: part)))
            }
            let reply = try await recorder.waitFor("the reply to the fragmented request") { $0.response?.id == "pieces" }
            #expect(reply.response?.ok == true)
            await session.close()
        }
    }

    // MARK: Malformed input

    @Test("malformed JSON after the handshake gets INVALID_REQUEST with id invalid; the connection stays usable")
    func malformedJSON() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            try await session.sendRaw(text: #"{"type":"req","id":"x","#)
            let reply = try await recorder.waitFor("the answer to malformed JSON") { $0.response?.id == "invalid" }
            #expect(reply.response?.ok == false)
            #expect(reply.response?.error?.code == "INVALID_REQUEST")
            #expect(reply.response?.error?.message == "invalid request frame: malformed JSON")
            #expect(try await session.request("health").ok)
            #expect(!recorder.hasEnded)
            await session.close()
        }
    }

    @Test("a frame that is JSON but not a request is answered with its id; the connection stays usable")
    func notARequest() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            try await session.sendRaw(text: #"{"type":"req","id":"odd","method":"health","extra":1}"#)
            let reply = try await recorder.waitFor("the answer to an invalid frame") { $0.response?.id == "odd" }
            #expect(reply.response?.error?.code == "INVALID_REQUEST")
            #expect(reply.response?.error?.message.hasPrefix("invalid request frame: at /") == true)
            let unknown = try await session.request("sessions.compact", id: "unknown")
            #expect(unknown.error?.message == "unknown method: sessions.compact")
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("a binary frame gets INVALID_REQUEST; the connection stays usable")
    func binaryFrame() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            try await session.connection.send(binary: Array(#"{"type":"req","id":"b","method":"health"}"#.utf8))
            let reply = try await recorder.waitFor("the answer to a binary frame") { $0.response?.id == "invalid" }
            #expect(reply.response?.error?.code == "INVALID_REQUEST")
            #expect(reply.response?.error?.details?["reason"] == "binary-frame")
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    // MARK: Write rate limit

    @Test("writes over the budget get UNAVAILABLE, retryable, with retryAfterMs and the method")
    func writeRateLimitTrips() async throws {
        try await withGateway(configure: { $0.writeRateLimit = .init(messages: 3, window: .seconds(60)) }) { gateway in
            let session = try await gateway.connect(instanceId: "ui-1")
            for index in 0..<3 {
                #expect(try await Self.patch(session, index).ok, "write \(index + 1) of 3")
            }
            let limited = try await Self.patch(session, 3)
            #expect(limited.ok == false)
            #expect(limited.error?.code == "UNAVAILABLE")
            #expect(limited.error?.retryable == true)
            let retryAfterMs = try #require(limited.error?.retryAfterMs)
            #expect(retryAfterMs > 0 && retryAfterMs <= 60_000)
            #expect(limited.error?.details?["method"] == "sessions.patch")
            #expect(limited.error?.message.hasPrefix("rate limit exceeded for sessions.patch") == true)
            // The refused write changed nothing.
            let listed = try await session.request("sessions.list").payload?["sessions"]?.arrayValue ?? []
            #expect(listed.count == 3)
            // Reads draw from their own budget: never throttled by the write limit.
            for _ in 0..<20 {
                #expect(try await session.request("sessions.list").ok)
            }
            let metrics = try await gateway.metrics()
            #expect(metrics.value("kubeclaw_rate_limited_total", ["budget": "write"]) == 1)
            await session.close()
        }
    }

    @Test("the write budget belongs to the client's address: a reconnect keeps it, a made-up instanceId does not mint a new one")
    func writeRateLimitKeyedByIdentity() async throws {
        try await withGateway(configure: { $0.writeRateLimit = .init(messages: 3, window: .seconds(60)) }) { gateway in
            let first = try await gateway.connect(instanceId: "ui-1")
            for index in 0..<3 {
                #expect(try await Self.patch(first, index).ok)
            }
            await first.close()

            let reconnected = try await gateway.connect(instanceId: "ui-1")
            let limited = try await Self.patch(reconnected, 3)
            #expect(limited.error?.code == "UNAVAILABLE", "a new socket must not reset the budget")
            #expect(limited.error?.retryable == true)

            // `client.instanceId` is whatever the client says: choosing a fresh one per reconnect
            // used to mint a fresh budget. Only a verified device or another address has its own.
            let other = try await gateway.connect(instanceId: "ui-2")
            #expect(try await Self.patch(other, 4).error?.code == "UNAVAILABLE", "an unverified instanceId has no budget of its own")
            await reconnected.close()
            await other.close()
        }
    }

    @Test("the write budget refills: after retryAfterMs the client may write again")
    func writeRateLimitRecovers() async throws {
        try await withGateway(configure: { $0.writeRateLimit = .init(messages: 2, window: .seconds(1)) }) { gateway in
            let session = try await gateway.connect(instanceId: "ui-1")
            // The budget refills by 2 per second, so a loaded machine may need a few more writes
            // than 2 to empty it; it must empty within a bounded number.
            var writes = 0
            var retryAfterMs: Int?
            while retryAfterMs == nil, writes < 20 {
                let response = try await Self.patch(session, writes)
                writes += 1
                if !response.ok {
                    #expect(response.error?.code == "UNAVAILABLE")
                    retryAfterMs = response.error?.retryAfterMs
                }
            }
            let wait = try #require(retryAfterMs, "20 writes in a row were never limited")
            #expect(wait > 0 && wait <= 1000)
            // Wait for the refill the server announced (bounded by the 1 s window), then write again.
            try await Task.sleep(for: .milliseconds(min(wait, 1000) + 100))
            #expect(try await Self.patch(session, writes).ok)
            await session.close()
        }
    }

    @Test("a write budget of 0 messages turns rate limiting off")
    func writeRateLimitOff() async throws {
        try await withGateway(configure: { $0.writeRateLimit = .init(messages: 0, window: .seconds(60)) }) { gateway in
            let session = try await gateway.connect(instanceId: "bench")
            // More than the default budget of 20.
            for index in 0..<30 {
                let response = try await Self.patch(session, index)
                #expect(response.ok, "write \(index + 1): \(String(describing: response.error))")
            }
            await session.close()
        }
    }

    // MARK: Read budget

    @Test("reads draw on a budget per connection: one connection over it is refused, another from the same address is not")
    func readBudgetPerConnection() async throws {
        try await withGateway(configure: { $0.readRateLimit = .init(messages: 5, window: .seconds(60)) }) { gateway in
            let greedy = try await gateway.connect(instanceId: "greedy")
            let other = try await gateway.connect(instanceId: "other")
            for index in 0..<5 {
                #expect(try await greedy.request("health").ok, "read \(index + 1) of 5")
            }
            let limited = try await greedy.request("health")
            #expect(limited.ok == false)
            #expect(limited.error?.code == "UNAVAILABLE")
            #expect(limited.error?.retryable == true)
            let retryAfterMs = try #require(limited.error?.retryAfterMs)
            #expect(retryAfterMs > 0 && retryAfterMs <= 60_000)
            #expect(limited.error?.details?["method"] == "health")
            // Same address (loopback), same everything but the socket: its own budget. Behind a
            // proxy or NAT, one client's reads no longer throttle everyone's.
            for index in 0..<5 {
                #expect(try await other.request("health").ok, "the other connection's read \(index + 1)")
            }
            // Writes keep their own budget (per identity).
            #expect(try await Self.patch(greedy, 0).ok)
            let metrics = try await gateway.metrics()
            #expect(metrics.value("kubeclaw_rate_limited_total", ["budget": "read"]) == 1)
            await greedy.close()
            await other.close()
        }
    }

    @Test("a read budget of 0 turns it off")
    func readBudgetOff() async throws {
        try await withGateway(configure: { $0.readRateLimit = .init(messages: 0, window: .seconds(60)) }) { gateway in
            let session = try await gateway.connect(instanceId: "bench")
            for index in 0..<50 {
                #expect(try await session.request("health").ok, "read \(index + 1)")
            }
            await session.close()
        }
    }

    // MARK: Unauthorized floods

    @Test("more than 10 missing-scope calls in a row close the connection with 1008")
    func repeatedUnauthorizedCalls() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect(scopes: [])
            let recorder = FrameRecorder(session)
            for _ in 0..<10 {
                #expect(try await session.request("status").error?.message == "missing scope: operator.read")
            }
            #expect(!recorder.hasEnded)
            let eleventh = try await session.request("status")
            #expect(eleventh.error?.message == "missing scope: operator.read")
            #expect(try await recorder.closeCode() == 1008)
            #expect(session.closeReason == "repeated unauthorized calls")
        }
    }

    @Test("an allowed call resets the count of missing-scope calls")
    func unauthorizedCountResets() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect(scopes: [])
            for round in 0..<2 {
                for _ in 0..<10 {
                    #expect(try await session.request("status").ok == false)
                }
                #expect(try await session.request("health").ok, "round \(round)")
            }
            #expect(session.closeCode == nil)
            await session.close()
        }
    }

    // MARK: Slow consumers

    @Test("a client that stops reading is cut off once its buffer passes maxBufferedBytes; a reading client carries on")
    func slowConsumerCutOff() async throws {
        try await withGateway(configure: { $0.maxBufferedBytes = 65536 }) { gateway in
            let slow = try await gateway.connect(instanceId: "slow")
            let slowRecorder = FrameRecorder(slow)
            let reader = try await gateway.connect(instanceId: "reader")
            let readerRecorder = FrameRecorder(reader)
            try await slow.connection.pauseReading()

            // Non-droppable events of 16 KB, two at a time, each pair only after the reading client
            // received the previous one: the reader's queue stays far below the limit, while the
            // kernel buffers of the paused client fill up and then its queue does.
            let padding = String(repeating: "x", count: 16_000)
            var published = 0
            let deadline = ContinuousClock.now + .seconds(30)
            while gateway.server.eventBus.subscriberCount == 2 {
                guard ContinuousClock.now < deadline else { throw TestFailure("the paused client was not cut off") }
                for _ in 0..<2 {
                    published += 1
                    gateway.server.eventBus.publish(.presence(PresenceEvent(presence: [PresenceEntry(text: padding, ts: published)])))
                }
                _ = try await readerRecorder.event("presence", timeout: .seconds(10), where: { Self.presenceTs($0) == published })
            }
            #expect(published > 4)

            // The paused client sees its connection end once it reads again, having missed events.
            try await slow.connection.resumeReading()
            _ = try await slowRecorder.closeCode(timeout: .seconds(20))
            let slowReceived = slowRecorder.events.filter { $0.name == "presence" }.count
            #expect(slowReceived < published)

            // The reading client keeps receiving and answering.
            published += 1
            gateway.server.eventBus.publish(.presence(PresenceEvent(presence: [PresenceEntry(text: "after", ts: published)])))
            _ = try await readerRecorder.event("presence", where: { Self.presenceTs($0) == published })
            #expect(try await reader.request("health").ok)
            #expect(!readerRecorder.hasEnded)

            let metrics = try await gateway.metrics()
            #expect(metrics.value("kubeclaw_slow_consumers_closed_total") == 1)
            await reader.close()
        }
    }

    @Test("a response larger than maxBufferedBytes still reaches a client that reads")
    func largeResponseToAReadingClient() async throws {
        try await withGateway(configure: { $0.maxBufferedBytes = 65536 }) { gateway in
            // 60 sessions with long display names: a sessions.list answer of about 80 KB.
            for index in 0..<60 {
                try await gateway.assembly.store.saveSession(SessionRecord(
                    key: "agent:main:s\(index)", sessionId: UUID().uuidString.lowercased(), agentId: "main",
                    label: "label \(index)", displayName: String(repeating: "n", count: 1_000), createdAt: 1,
                    updatedAt: Int64(index + 1)))
            }
            // A fresh health summary, so the connect starts no refresh: no event competes with the
            // long answer (an event queued while more than the limit waits would cut any client off).
            try await gateway.assembly.gateway.health.refresh()
            let session = try await gateway.connect()
            let frame = try await session.exchange(RequestFrame(id: "long", method: "sessions.list", params: [:]))
            #expect(frame.raw.utf8.count > 65536)
            #expect(frame.response?.payload?["count"] == 60)
            #expect(try await session.request("health").ok, "the client is still connected")
            #expect(try await gateway.metrics().value("kubeclaw_slow_consumers_closed_total") == 0)
            await session.close()
        }
    }

    // MARK: Events

    @Test("event seq on a connection that reads everything starts at 1 and never skips, ticks included")
    func seqHasNoGaps() async throws {
        try await withGateway(configure: { $0.tickInterval = .milliseconds(20) }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            for index in 1...100 {
                gateway.server.eventBus.publish(.presence(PresenceEvent(presence: [PresenceEntry(text: "e", ts: index)])))
                if index % 10 == 0 { try await Task.sleep(for: .milliseconds(15)) }
            }
            _ = try await recorder.event("presence", where: { Self.presenceTs($0) == 100 })
            _ = try await recorder.event("tick")
            let sequenced = recorder.events.filter { $0.name != "connect.challenge" }
            let seqs = sequenced.compactMap(\.frame.seq)
            #expect(seqs.count == sequenced.count, "every broadcast event carries seq")
            #expect(seqs.first == 1)
            #expect(seqs == Array(1...seqs.count), "seq must increase by exactly 1")
            #expect(recorder.events.first { $0.name == "connect.challenge" }?.frame.seq == nil)

            // Another connection numbers its own frames from 1.
            let later = try await gateway.connect(instanceId: "later")
            let laterRecorder = FrameRecorder(later)
            gateway.server.eventBus.publish(.presence(PresenceEvent(presence: [PresenceEntry(text: "e", ts: 101)])))
            let first = try await laterRecorder.waitFor("a sequenced event") { $0.event?.seq != nil }
            #expect(first.event?.seq == 1)
            await later.close()
            await session.close()
        }
    }

    @Test("tick events arrive at the configured interval and carry ts")
    func ticks() async throws {
        try await withGateway(configure: { $0.tickInterval = .milliseconds(200) }) { gateway in
            let session = try await gateway.connect()
            #expect(session.hello?.policy.tickIntervalMs == 200)
            let recorder = FrameRecorder(session)
            let first = try await recorder.event("tick", timeout: .seconds(5))
            let second = try await recorder.event("tick", from: first.index + 1, timeout: .seconds(5))
            let firstTs = try #require(first.json?["payload"]?["ts"]?.intValue)
            let secondTs = try #require(second.json?["payload"]?["ts"]?.intValue)
            #expect(firstTs > 1_700_000_000_000)
            #expect(secondTs > firstTs)
            #expect(first.event?.seq != nil)
            await session.close()
        }
    }

    // MARK: Helpers

    /// A `sessions.patch` creating session `agent:main:w<index>`: one write.
    private static func patch(_ session: GatewaySession, _ index: Int) async throws -> ResponseFrame {
        try await session.request("sessions.patch", params: ["key": .string("agent:main:w\(index)")])
    }

    private static func presenceTs(_ payload: JSONValue) -> Int? {
        payload["presence"]?.arrayValue?.first?["ts"]?.intValue
    }

    /// A request frame padded (through an ignored param) to exactly `totalBytes` bytes.
    private static func paddedRequest(id: String, method: String, totalBytes: Int) -> String {
        let empty = #"{"type":"req","id":"\#(id)","method":"\#(method)","params":{"pad":""}}"#
        let padding = String(repeating: "p", count: totalBytes - empty.utf8.count)
        return #"{"type":"req","id":"\#(id)","method":"\#(method)","params":{"pad":"\#(padding)"}}"#
    }
}

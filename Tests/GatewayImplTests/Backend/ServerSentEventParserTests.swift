import NIOCore
import Testing
@testable import GatewayImpl

/// The event-stream parser against the WHATWG rules and against hostile framing: every way a
/// stream can be cut into chunks gives the same events, and nothing grows without bound.
@Suite struct ServerSentEventParserTests {
    /// Feeds `chunks` in order and collects every event, the trailing one included.
    static func events(_ chunks: [String], maxLine: Int = 1 << 20, maxEvent: Int = 4 << 20) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser(maxLineBytes: maxLine, maxEventBytes: maxEvent)
        var events: [ServerSentEvent] = []
        for chunk in chunks {
            parser.append(ByteBuffer(string: chunk))
            while let event = try parser.next() { events.append(event) }
        }
        while let event = try parser.finish() { events.append(event) }
        return events
    }

    static let anthropicStart = "event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n"

    @Test("named events with one data line each, as Anthropic sends them")
    func namedEvents() throws {
        #expect(try Self.events([Self.anthropicStart]) == [
            ServerSentEvent(event: "message_start", data: #"{"type":"message_start"}"#),
            ServerSentEvent(event: "ping", data: #"{"type": "ping"}"#),
        ])
    }

    @Test("LF, CRLF and lone CR line ends all frame the same events")
    func lineEnds() throws {
        let lf = "data: one\n\ndata: two\n\n"
        for text in [lf, lf.replacingOccurrences(of: "\n", with: "\r\n"), lf.replacingOccurrences(of: "\n", with: "\r")] {
            #expect(try Self.events([text]).map(\.data) == ["one", "two"], "\(text.debugDescription)")
        }
    }

    @Test("every split of a CRLF stream into two chunks gives the same events (a CR at a chunk's end included)")
    func everySplit() throws {
        let text = "event: a\r\ndata: {\"x\":1}\r\n\r\n: comment\r\ndata: line1\r\ndata: line2\r\n\r\n"
        let expected = [ServerSentEvent(event: "a", data: #"{"x":1}"#), ServerSentEvent(data: "line1\nline2")]
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            let chunks = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(try Self.events(chunks) == expected, "split at \(cut)")
        }
    }

    @Test("byte by byte, with a UTF-8 character split across chunks")
    func byteByByte() throws {
        let text = "data: héllo 👋\n\n"
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in Array(text.utf8) {
            parser.append(ByteBuffer(bytes: [byte]))
            while let event = try parser.next() { events.append(event) }
        }
        #expect(events == [ServerSentEvent(data: "héllo 👋")])
    }

    @Test("comments, unknown fields, retry and a missing space after the colon")
    func fields() throws {
        let text = ": keep-alive\nretry: 3000\nfoo: bar\nid: 7\nevent:delta\ndata:no-space\ndata:  two spaces\n\n"
        #expect(try Self.events([text]) == [ServerSentEvent(event: "delta", data: "no-space\n two spaces", id: "7")])
    }

    @Test("a blank line without data dispatches nothing and resets the event name")
    func emptyEvents() throws {
        #expect(try Self.events(["event: lonely\n\n\n\ndata: x\n\n"]) == [ServerSentEvent(data: "x")])
    }

    @Test("a byte order mark at the start is skipped, also when split")
    func byteOrderMark() throws {
        #expect(try Self.events(["\u{FEFF}data: x\n\n"]) == [ServerSentEvent(data: "x")])
        var parser = ServerSentEventParser()
        parser.append(ByteBuffer(bytes: [0xEF, 0xBB]))
        #expect(try parser.next() == nil)
        parser.append(ByteBuffer(bytes: [0xBF] + Array("data: y\n\n".utf8)))
        #expect(try parser.next() == ServerSentEvent(data: "y"))
    }

    @Test("a stream that ends without the final blank line still delivers its last event (data: [DONE] then close)")
    func unterminatedLastEvent() throws {
        #expect(try Self.events(["data: a\n\ndata: [DONE]"]).map(\.data) == ["a", "[DONE]"])
        #expect(try Self.events(["data: a\n\ndata: [DONE]\n"]).map(\.data) == ["a", "[DONE]"])
    }

    @Test("a line longer than the limit is a malformed response, even before its end arrives")
    func lineLimit() throws {
        #expect(throws: ModelBackendError.malformedResponse("a line of the event stream is longer than 16 bytes")) {
            try Self.events(["data: " + String(repeating: "x", count: 20)], maxLine: 16)
        }
        #expect(throws: ModelBackendError.malformedResponse("a line of the event stream is longer than 16 bytes")) {
            try Self.events(["data: " + String(repeating: "x", count: 20) + "\n\n"], maxLine: 16)
        }
    }

    @Test("data lines adding up past the event limit are a malformed response")
    func eventLimit() throws {
        let lines = String(repeating: "data: 0123456789\n", count: 10)
        #expect(throws: ModelBackendError.malformedResponse("an event of the event stream is longer than 64 bytes")) {
            try Self.events([lines + "\n"], maxEvent: 64)
        }
    }
}

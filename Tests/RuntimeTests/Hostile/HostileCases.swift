import Foundation

/// The hostile-input table, by category. Outcomes are the documented ones (docs/protocol.md:
/// error codes and details, close codes; docs/security.md: upgrade answers).
extension HostileCase {
    static let all: [HostileCase] = malformedJSON + deepOrHugeJSON + wrongTypes + oddIDs + clientFrames
        + framing + floods + upgrade + order

    /// The gateway token of the gateways these cases run against.
    static let token = "hostile-\(UUID().uuidString.prefix(8))"

    static func text(_ text: String) -> [UInt8] { RawWebSocket.text(text) }
    static func text(bytes: [UInt8]) -> [UInt8] { RawWebSocket.frame(0x1, bytes) }

    static let malformedTexts: [(String, String)] = [
        ("not JSON at all", "hello"),
        ("an object cut short", #"{"type":"req","id":"a""#),
        ("an empty message", ""),
        ("garbage after the object", #"{"type":"req","id":"t","method":"health"}x"#),
        ("a NaN literal", #"{"type":"req","id":"n","method":"health","params":NaN}"#),
        ("a lone surrogate escape", #"{"type":"req","id":"\ud800","method":"health"}"#),
        ("single-quoted strings", "{'type':'req','id':'q','method':'health'}"),
        ("a comment before the object", #"/* c */{"type":"req","id":"c","method":"health"}"#),
        ("an unterminated string", #"{"type":"req","id":"u"#),
        ("two objects in one message", #"{"type":"req","id":"1","method":"health"}{"type":"req","id":"2","method":"health"}"#),
    ]

    static let notObjects: [(String, String)] = [
        ("a JSON array", "[]"), ("a JSON number", "42"), ("JSON null", "null"), ("a JSON string", #""req""#), ("JSON true", "true"),
    ]

    static let malformedJSON: [HostileCase] = malformedTexts.map {
        HostileCase(category: .malformedJSON, name: $0.0, bytes: text($0.1), outcome: .error(reason: "malformed-json"))
    }
        + [
            HostileCase(category: .malformedJSON, name: "a raw control character inside a string",
                        bytes: text(bytes: Array(#"{"type":"req","id":"a"#.utf8) + [0x01] + Array(#"b","method":"health"}"#.utf8)),
                        outcome: .error(reason: "malformed-json")),
        ]
        + notObjects.map { HostileCase(category: .malformedJSON, name: "\($0.0) instead of an object", bytes: text($0.1),
                           outcome: .error(reason: "invalid-frame", path: "/")) }

    static let deepOrHugeJSON: [HostileCase] = [
        HostileCase(category: .deepOrHugeJSON, name: "params nested 20,000 arrays deep",
                    bytes: text(#"{"type":"req","id":"deep","method":"health","params":"# + String(repeating: "[", count: 20_000)
                        + String(repeating: "]", count: 20_000) + "}"),
                    outcome: .error(reason: "malformed-json")),
        HostileCase(category: .deepOrHugeJSON, name: "params nested 6,000 objects deep",
                    bytes: text(#"{"type":"req","id":"deep","method":"sessions.list","params":"# + String(repeating: #"{"a":"#, count: 6_000)
                        + "1" + String(repeating: "}", count: 6_000) + "}"),
                    outcome: .error(reason: "malformed-json")),
        HostileCase(category: .deepOrHugeJSON, name: "a number past Double (1e999999)",
                    bytes: text(#"{"type":"req","id":"n","method":"sessions.list","params":{"limit":1e999999}}"#),
                    outcome: .error(reason: "malformed-json")),
        HostileCase(category: .deepOrHugeJSON, name: "a 5,000-digit integer",
                    bytes: text(#"{"type":"req","id":"n","method":"sessions.list","params":{"limit":"# + String(repeating: "9", count: 5_000) + "}}"),
                    outcome: .error(reason: "malformed-json")),
        HostileCase(category: .deepOrHugeJSON, name: "6,000 unknown keys in params",
                    bytes: text(#"{"type":"req","id":"k","method":"sessions.list","params":{"# + (0..<6_000).map { #""k\#($0)":1"# }.joined(separator: ",") + "}}"),
                    outcome: .error(reason: "invalid-params", path: "/")),
        HostileCase(category: .deepOrHugeJSON, name: "a 60 KB search string (under the message limit)",
                    bytes: text(#"{"type":"req","id":"s","method":"sessions.list","params":{"search":""# + String(repeating: "a", count: 60_000) + #""}}"#),
                    outcome: .answered()),
        HostileCase(category: .deepOrHugeJSON, name: "a frame header announcing 70,000 bytes → 1009 before the payload",
                    bytes: [0x81, 0x80 | 127] + bigEndian(70_000), outcome: .close(1009)),
        HostileCase(category: .deepOrHugeJSON, name: "a frame header announcing 2^63 bytes → 1009",
                    bytes: [0x81, 0x80 | 127] + bigEndian(1 << 63), outcome: .close(1009)),
    ]

    static let wrongTypeTable: [(String, String, String, String?)] = [
        ("type is a number", #"{"type":1,"id":"w","method":"health"}"#, "invalid-frame", "/type"),
        ("type is not req", #"{"type":"foo","id":"w","method":"health"}"#, "invalid-frame", "/type"),
        ("type is missing", #"{"id":"w","method":"health"}"#, "invalid-frame", "/"),
        ("method is a number", #"{"type":"req","id":"w","method":7}"#, "invalid-frame", "/method"),
        ("method is missing", #"{"type":"req","id":"w"}"#, "invalid-frame", "/"),
        ("method is empty", #"{"type":"req","id":"w","method":""}"#, "invalid-frame", "/method"),
        ("params is a string", #"{"type":"req","id":"w","method":"sessions.list","params":"x"}"#, "invalid-params", "/"),
        ("params is an array", #"{"type":"req","id":"w","method":"sessions.list","params":[]}"#, "invalid-params", "/"),
        ("params is null", #"{"type":"req","id":"w","method":"sessions.list","params":null}"#, "invalid-params", "/"),
        ("an unknown param", #"{"type":"req","id":"w","method":"sessions.list","params":{"bogus":1}}"#, "invalid-params", "/"),
        ("chat.send message is a number",
         #"{"type":"req","id":"w","method":"chat.send","params":{"sessionKey":"main","message":5,"idempotencyKey":"k"}}"#, "invalid-params", "/message"),
        ("sessions.patch key is an array", #"{"type":"req","id":"w","method":"sessions.patch","params":{"key":[]}}"#, "invalid-params", "/key"),
        ("a fractional limit", #"{"type":"req","id":"w","method":"sessions.list","params":{"limit":1.5}}"#, "invalid-params", "/limit"),
        ("a limit of -0.0", #"{"type":"req","id":"w","method":"sessions.list","params":{"limit":-0.0}}"#, "invalid-params", "/limit"),
        ("a limit sent as a string", #"{"type":"req","id":"w","method":"chat.history","params":{"sessionKey":"main","limit":"10"}}"#, "invalid-params", "/limit"),
        ("an unknown method", #"{"type":"req","id":"w","method":"nope.nope"}"#, "unknown-method", nil),
        ("a 3,000-character method name", #"{"type":"req","id":"w","method":""# + String(repeating: "a", count: 3_000) + #""}"#, "unknown-method", nil),
    ]

    static let wrongTypes: [HostileCase] = wrongTypeTable.map {
        HostileCase(category: .wrongTypes, name: $0.0, bytes: text($0.1), outcome: .error(reason: $0.2, path: $0.3))
    }

    static let invalidIDs: [(String, String)] = [
        ("a numeric id", #"{"type":"req","id":5,"method":"health"}"#),
        ("an object id", #"{"type":"req","id":{},"method":"health"}"#),
        ("a null id", #"{"type":"req","id":null,"method":"health"}"#),
        ("an empty id", #"{"type":"req","id":"","method":"health"}"#),
    ]

    static let tolerableIDs: [(String, String)] = [
        ("a 5,000-character id", #"{"type":"req","id":""# + String(repeating: "x", count: 5_000) + #"","method":"health"}"#),
        ("an id with NUL, accents and emoji", #"{"type":"req","id":"\u0000é😀","method":"health"}"#),
        ("an id with quotes and backslashes", #"{"type":"req","id":"a\"b\\c","method":"health"}"#),
        ("the id key twice", #"{"type":"req","id":"d1","id":"d2","method":"health"}"#),
    ]

    static let oddIDs: [HostileCase] = invalidIDs.map {
        HostileCase(category: .oddIDs, name: $0.0, bytes: text($0.1), outcome: .error(reason: "invalid-frame", path: "/id"))
    }
        + tolerableIDs.map { HostileCase(category: .oddIDs, name: $0.0, bytes: text($0.1), outcome: .answered()) }
        + [
            HostileCase(category: .oddIDs, name: "the same id twice in flight (both answered)",
                        bytes: text(#"{"type":"req","id":"same","method":"health"}"#) + text(#"{"type":"req","id":"same","method":"health"}"#),
                        outcome: .answered(count: 2)),
        ]

    static let clientFrames: [HostileCase] = [
        HostileCase(category: .clientFrames, name: "a client-sent res frame",
                    bytes: text(#"{"type":"res","id":"r","ok":true,"payload":{}}"#), outcome: .error(reason: "invalid-frame", path: "/")),
        HostileCase(category: .clientFrames, name: "a client-sent event frame",
                    bytes: text(#"{"type":"event","event":"tick","payload":{},"seq":1}"#), outcome: .error(reason: "invalid-frame", path: "/")),
        HostileCase(category: .clientFrames, name: "a cancel frame without an id",
                    bytes: text(#"{"type":"cancel"}"#), outcome: .error(reason: "invalid-frame", path: "/")),
        HostileCase(category: .clientFrames, name: "a cancel for an id never sent", bytes: text(#"{"type":"cancel","id":"nothing"}"#), outcome: .silent),
        HostileCase(category: .clientFrames, name: "a binary frame",
                    bytes: RawWebSocket.frame(0x2, Array(#"{"type":"req","id":"b","method":"health"}"#.utf8)), outcome: .error(reason: "binary-frame")),
        HostileCase(category: .clientFrames, name: "50 unsolicited pongs", bytes: Array(repeating: RawWebSocket.frame(0xA, [1]), count: 50).flatMap { $0 },
                    outcome: .silent),
    ]

    static let framing: [HostileCase] = [
        HostileCase(category: .framing, name: "a 200-byte ping (control frames carry at most 125)",
                    bytes: RawWebSocket.frame(0x9, Array(repeating: 0x70, count: 200)), outcome: .close(1002)),
        HostileCase(category: .framing, name: "a fragmented ping", bytes: RawWebSocket.frame(0x9, [1], fin: false), outcome: .close(1002)),
        HostileCase(category: .framing, name: "5,000 empty fragments (over 4,096 per message)",
                    bytes: RawWebSocket.frame(0x1, Array("{".utf8), fin: false)
                        + Array(repeating: RawWebSocket.frame(0x0, [], fin: false), count: 5_000).flatMap { $0 } + RawWebSocket.frame(0x0, Array("}".utf8)),
                    outcome: .close(1009)),
        HostileCase(category: .framing, name: "fragments adding up past 64 KB",
                    bytes: RawWebSocket.frame(0x1, Array(repeating: 0x20, count: 30_000), fin: false)
                        + RawWebSocket.frame(0x0, Array(repeating: 0x20, count: 30_000), fin: false)
                        + RawWebSocket.frame(0x0, Array(repeating: 0x20, count: 30_000)),
                    outcome: .close(1009)),
        HostileCase(category: .framing, name: "an unmasked frame before connect", stage: .upgraded,
                    bytes: RawWebSocket.frame(0x1, Array(#"{"type":"req","id":"c","method":"connect"}"#.utf8), masked: false), outcome: .close(1002)),
        HostileCase(category: .framing, name: "a 70,000-byte message before connect", stage: .upgraded,
                    bytes: [0x81, 0x80 | 127] + bigEndian(70_000), outcome: .close(1009)),
    ]

    static let floods: [HostileCase] = [
        HostileCase(category: .floods, name: "20,000 pings in one write", bytes: Array(repeating: RawWebSocket.frame(0x9, []), count: 20_000).flatMap { $0 },
                    outcome: .silent),
        HostileCase(category: .floods, name: "300 health requests in one write",
                    bytes: (0..<300).flatMap { text(#"{"type":"req","id":"f\#($0)","method":"health"}"#) }, outcome: .answered(count: 300)),
        HostileCase(category: .floods, name: "400 invalid requests in one write",
                    bytes: (0..<400).flatMap { text(#"{"type":"req","id":"i\#($0)","method":"sessions.list","params":{"limit":0}}"#) },
                    outcome: .error(reason: "invalid-params", path: "/limit", count: 400)),
        HostileCase(category: .floods, name: "1,000 malformed messages in one write",
                    bytes: Array(repeating: text("{"), count: 1_000).flatMap { $0 }, outcome: .error(reason: "malformed-json", count: 1_000)),
    ]

    static func upgradeRequest(_ headers: [String], requestLine: String = "GET / HTTP/1.1", body: String = "") -> [UInt8] {
        Array((([requestLine] + headers).joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    static let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
    static let upgradeHeaders = ["Upgrade: websocket", "Connection: Upgrade"]

    static let refusedUpgrades: [(String, [UInt8], Int)] = [
        ("Sec-WebSocket-Version 8", upgradeRequest(upgradeHeaders + [key, "Sec-WebSocket-Version: 8"]), 400),
        ("no Sec-WebSocket-Version", upgradeRequest(upgradeHeaders + [key]), 400),
        ("no Sec-WebSocket-Key", upgradeRequest(upgradeHeaders + ["Sec-WebSocket-Version: 13"]), 400),
        ("an upgrade to h2c", upgradeRequest(["Upgrade: h2c", "Connection: Upgrade"]), 400),
        ("a POST upgrade", upgradeRequest(upgradeHeaders + [key, "Sec-WebSocket-Version: 13", "Content-Length: 0"], requestLine: "POST / HTTP/1.1"), 405),
        ("an upgrade with a body", upgradeRequest(upgradeHeaders + [key, "Sec-WebSocket-Version: 13", "Content-Length: 5"], body: "hello"), 400),
        ("a chunked upgrade", upgradeRequest(upgradeHeaders + [key, "Sec-WebSocket-Version: 13", "Transfer-Encoding: chunked"], body: "5\r\nhello\r\n0\r\n\r\n"), 400),
        ("a garbage request line", Array("HELLO THERE\r\n\r\n".utf8), 400),
        ("a TLS ClientHello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03], 400),
        ("a 100 KB header", upgradeRequest(["X-Big: " + String(repeating: "a", count: 100_000)] + upgradeHeaders + [key, "Sec-WebSocket-Version: 13"]), 400),
        ("a 100 KB request target", upgradeRequest(upgradeHeaders + [key, "Sec-WebSocket-Version: 13"], requestLine: "GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1"), 400),
        ("a foreign Origin", upgradeRequest(["Origin: https://evil.example"] + upgradeHeaders + [key, "Sec-WebSocket-Version: 13"]), 403),
    ]

    static let upgrade: [HostileCase] = refusedUpgrades.map { HostileCase(category: .upgrade, name: $0.0, stage: .tcp, bytes: $0.1, outcome: .http($0.2)) }
        + [
            HostileCase(category: .upgrade, name: "request headers cut short (slowloris) → closed by the upgrade deadline", stage: .tcp,
                        bytes: Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webs".utf8), outcome: .closedWithoutAnswer),
        ]

    static let order: [HostileCase] = [
        HostileCase(category: .order, name: "health before connect → 1008", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"h","method":"health"}"#), outcome: .close(1008)),
        HostileCase(category: .order, name: "malformed JSON before connect → 1008", stage: .upgraded, bytes: text("hello"), outcome: .close(1008)),
        HostileCase(category: .order, name: "connect with params that are a string → 1008", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"c","method":"connect","params":"x"}"#), outcome: .close(1008)),
        HostileCase(category: .order, name: "connect for protocols 7–9 → 1002", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"c","method":"connect","params":{"minProtocol":7,"maxProtocol":9,"client":{"id":"test","version":"1","platform":"linux","mode":"test"},"auth":{"token":"\#(token)"}}}"#),
                    outcome: .close(1002)),
        HostileCase(category: .order, name: "connect with role god → 1008", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"c","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"role":"god","client":{"id":"test","version":"1","platform":"linux","mode":"test"},"auth":{"token":"\#(token)"}}}"#),
                    outcome: .close(1008)),
        HostileCase(category: .order, name: "connect without credentials → 1008", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"c","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"client":{"id":"test","version":"1","platform":"linux","mode":"test"}}}"#),
                    outcome: .close(1008)),
        HostileCase(category: .order, name: "a 10 KB wrong token → 1008", stage: .upgraded,
                    bytes: text(#"{"type":"req","id":"c","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"client":{"id":"test","version":"1","platform":"linux","mode":"test"},"auth":{"token":""# + String(repeating: "t", count: 10_000) + #""}}}"#),
                    outcome: .close(1008)),
        HostileCase(category: .order, name: "a second connect",
                    bytes: text(#"{"type":"req","id":"c2","method":"connect","params":{"minProtocol":3,"maxProtocol":4,"client":{"id":"test","version":"1","platform":"linux","mode":"test"},"auth":{"token":"\#(token)"}}}"#),
                    outcome: .error()),
        HostileCase(category: .order, name: "sessions.patch with operator.read only", stage: .connected(scopes: ["operator.read"]),
                    bytes: text(#"{"type":"req","id":"p","method":"sessions.patch","params":{"key":"main"}}"#), outcome: .error()),
        HostileCase(category: .order, name: "chat.send with no scope", stage: .connected(scopes: []),
                    bytes: text(#"{"type":"req","id":"s","method":"chat.send","params":{"sessionKey":"main","message":"hi","idempotencyKey":"k"}}"#),
                    outcome: .error()),
        HostileCase(category: .order, name: "11 unauthorized calls in a row → 1008", stage: .connected(scopes: ["operator.read"]),
                    bytes: (0..<11).flatMap { text(#"{"type":"req","id":"u\#($0)","method":"sessions.delete","params":{"key":"main"}}"#) },
                    outcome: .close(1008)),
    ]

    /// `value` as 8 big-endian bytes (a 64-bit WebSocket payload length).
    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8((value >> (UInt64($0) * 8)) & 0xFF) }
    }
}

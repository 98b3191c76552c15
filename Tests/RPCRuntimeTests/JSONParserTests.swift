import Foundation
import RPCRuntime
import Testing

/// `JSONValue.parse` (the one-pass parser) must build exactly the value `JSONDecoder` builds
/// from the same text, kind for kind, and refuse exactly what it refuses.
@Suite("JSONParser")
struct JSONParserTests {
    /// Same kinds all the way down (`==` would let `2` equal `2.0`).
    private static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: false
        }
    }

    private static func compare(_ bytes: [UInt8]) {
        let data = Data(bytes)
        let parsed = Result { try JSONValue.parse(data) }
        let decoded = Result { try JSONDecoder().decode(JSONValue.self, from: data) }
        let text = String(decoding: bytes, as: UTF8.self)
        switch (parsed, decoded) {
        case (.success(let a), .success(let b)):
            #expect(identical(a, b), "\(text): parsed \(a), JSONDecoder \(b)")
        case (.failure, .failure): break
        case (.success(let a), .failure(let error)): Issue.record("\(text): parsed \(a), JSONDecoder refused: \(error)")
        case (.failure(let error), .success(let b)): Issue.record("\(text): refused (\(error)), JSONDecoder built \(b)")
        }
    }

    @Test("valid text: the same value as JSONDecoder, kind for kind", arguments: [
        #"{"type":"req","id":"1","method":"health","params":{}}"#, "[]", "{}", " [ 1 , [ ] , { } ] ", "\"top\"", "true", "null",
        "0", "-0", "7", "-12", "2.0", "2.5", "-0.0", "1e2", "1E+2", "1e-2", "1.5e300", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
        "9007199254740993", "9007199254740993.0", "9007199254740993.10", "0.1", "1e-400", "1.5e1", "100e-2", "-1.000",
        "[1,]", #"{"a":1,}"#, "\u{FEFF}{}",
        #"{"a":1,"a":2}"#, #"{"nested":{"list":[null,true,false,{"x":"y"}]}}"#,
        #""esc \" \\ \/ \b \f \n \r \t""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""raw é 中 😀""#, #""\u0000""#,
        "\t\r\n {\"k\" :\n\"v\"}\n",
    ])
    func valid(_ text: String) {
        Self.compare(Array(text.utf8))
    }

    @Test("invalid text: refused, as JSONDecoder refuses it", arguments: [
        "", " ", "{", "}", "[,]", "{,}", "[1,,2]", "[1 2]", #"{"a" 1}"#, #"{a:1}"#, "{'a':1}", "01", "-", "1.", ".5", "1e", "1e+",
        "+1", "0x10", "NaN", "Infinity", "1e400", "-1e400", "tru", "nul", "falsey", "[1] x", #""unterminated"#, #""\x""#,
        #""\u12""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"tab\there\"", "[\"\\", "\u{FEFF}\u{FEFF}{}", "{} \u{FEFF}",
        String(repeating: "9", count: 5_000), "1e999999",
    ])
    func invalid(_ text: String) {
        Self.compare(Array(text.utf8))
    }

    @Test("invalid UTF-8 inside and outside strings is refused, as JSONDecoder refuses it", arguments: [
        [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0xFF],
    ] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        Self.compare(bytes)
    }

    @Test("nesting: 512 levels parse, 513 are refused (no stack exhaustion at 100,000)")
    func depth() throws {
        let deep = { (levels: Int) in Data((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8) }
        #expect(throws: Never.self) { try JSONValue.parse(deep(512)) }
        #expect(throws: (any Error).self) { try JSONValue.parse(deep(513)) }
        #expect(throws: (any Error).self) { try JSONValue.parse(deep(100_000)) }
        Self.compare(Array(deep(512)))
        Self.compare(Array(deep(513)))
    }
}

import Foundation
import RPCRuntime
import Testing

/// `JSONValue.decode(as:)` reads the parsed value directly (params are parsed once, validated,
/// then decoded without becoming JSON text again). It must decide exactly as JSONDecoder does
/// from the same text, and never trap on a client's number.
@Suite("JSONValue decoding")
struct JSONValueDecodingTests {
    private struct Numbers: Codable, Equatable {
        var int: Int?
        var int8: Int8?
        var uint: UInt?
        var double: Double?
    }

    /// Decodes `text` both ways: from the parsed value, and with JSONDecoder from the text.
    private func both<T: Decodable>(_ text: String, as type: T.Type) throws -> (direct: Result<T, any Error>, text: Result<T, any Error>) {
        let value = try JSONValue.parse(Data(text.utf8))
        return (Result { try value.decode(as: type) }, Result { try JSONDecoder().decode(type, from: Data(text.utf8)) })
    }

    @Test("integers decode only when exact and in range, as JSONDecoder decides", arguments: [
        #"{"int": 2}"#, #"{"int": 2.0}"#, #"{"int": 2.5}"#, #"{"int": 1e300}"#, #"{"int": -9223372036854775808}"#,
        #"{"int": 9223372036854775807}"#, #"{"int": 9223372036854775808}"#, #"{"int8": 127}"#, #"{"int8": 128}"#,
        #"{"uint": -1}"#, #"{"int": "2"}"#, #"{"int": true}"#, #"{"int": null}"#, #"{"double": 3}"#, #"{"double": 1.5e-3}"#,
        #"{"double": "x"}"#,
    ])
    func numbers(_ text: String) throws {
        let (direct, viaText) = try both(text, as: Numbers.self)
        switch (direct, viaText) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure, .failure): break
        default: Issue.record("\(text): directly \(direct), from text \(viaText)")
        }
    }

    @Test("a missing member, a wrong container and a short array are errors naming where")
    func errors() throws {
        struct Pair: Decodable { var a: [Int]; var b: String }
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data(#"{"a": [1]}"#.utf8)).decode(as: Pair.self) }
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data(#"{"a": {}, "b": "x"}"#.utf8)).decode(as: Pair.self) }
        #expect(throws: DecodingError.self) { try JSONValue.parse(Data(#"[1, 2]"#.utf8)).decode(as: [String].self) }
        do {
            _ = try JSONValue.parse(Data(#"{"a": [1, "two"], "b": "x"}"#.utf8)).decode(as: Pair.self)
            Issue.record("a string in an [Int] decoded")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["a", "1"])
        }
    }

    @Test("null, absent and nested open values keep their meaning")
    func nullsAndOpenValues() throws {
        struct Open: Codable, Equatable { var extra: JSONValue?; var list: [JSONValue?] }
        for text in [
            #"{"extra": {"x": [1, 2.5, "s", null, true]}, "list": [null, 1]}"#, #"{"extra": null, "list": []}"#,
            #"{"list": [{"deep": [[[]]]}]}"#,
        ] {
            let (direct, viaText) = try both(text, as: Open.self)
            #expect(try direct.get() == viaText.get(), "\(text)")
        }
        // A Nullable field, as generated types have them: null is "clear this", absent is "leave it".
        struct Patch: Decodable {
            enum CodingKeys: String, CodingKey { case key, label }
            var key: String
            var label: Nullable<String>?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                key = try container.decode(String.self, forKey: .key)
                label = container.contains(.label) ? try container.decode(Nullable<String>.self, forKey: .label) : nil
            }
        }
        let decode = { (text: String) in try JSONValue.parse(Data(text.utf8)).decode(as: Patch.self) }
        #expect(try decode(#"{"key": "k", "label": null}"#).label == .some(.null))
        #expect(try decode(#"{"key": "k"}"#).label == nil)
        #expect(try decode(#"{"key": "k", "label": "x"}"#).label == .value("x"))
    }
}

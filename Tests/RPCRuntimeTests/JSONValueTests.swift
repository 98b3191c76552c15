import Foundation
import RPCRuntime
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("numbers compare and hash by value: 1 and 1.0 are one number, 1 and 1.5 are not")
    func numbersByValue() {
        let one: JSONValue = 1
        #expect(one == .number(1.0))
        #expect(one.hashValue == JSONValue.number(1.0).hashValue)
        #expect(Set<JSONValue>([1, 1.0, 1.5]).count == 2)
        #expect(one != .number(1.5))
        #expect(one != "1")
        #expect(JSONValue.bool(true) != 1)
    }

    @Test("text: compact, sorted keys, slashes unescaped; parsed back to the same value")
    func text() throws {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": "x/y", "c": ["nested": [:]]]
        #expect(value.description == #"{"a":"x/y","b":[1,2.5,null,true],"c":{"nested":{}}}"#)
        #expect(try JSONValue.parse(value.encodedData()) == value)
        #expect(try JSONValue.parse(Data("[]".utf8)) == [])
        #expect(throws: (any Error).self) { try JSONValue.parse(Data("{".utf8)) }
    }

    @Test("accessors answer only for their kind; intValue only for exact integers a Double holds exactly")
    func accessors() {
        let object: JSONValue = ["s": "text", "n": 2.0, "f": 2.5, "big": 1e16, "list": [1]]
        #expect(object["s"]?.stringValue == "text")
        #expect(object["s"]?.boolValue == nil)
        #expect(object["n"]?.intValue == 2)
        #expect(object["f"]?.intValue == nil)
        #expect(object["big"]?.intValue == nil)
        #expect(object["f"]?.doubleValue == 2.5)
        #expect(object["list"]?.arrayValue == [1])
        #expect(object["missing"] == nil)
        #expect(JSONValue.string("x")["s"] == nil)
    }

    @Test("typeName uses JSON Schema's names: an integral number is an integer")
    func typeNames() {
        let names = ([nil, true, 3, 3.0, 3.5, "s", [], [:]] as [JSONValue]).map(\.typeName)
        #expect(names == ["null", "boolean", "integer", "integer", "number", "string", "array", "object"])
    }

    @Test("init(encoding:) turns any Encodable into its JSON value")
    func encoding() throws {
        struct Point: Encodable { var x: Int; var label: String?; var tags: [String] }
        #expect(try JSONValue(encoding: Point(x: 1, label: nil, tags: ["a"])) == ["x": 1, "tags": ["a"]])
    }
}

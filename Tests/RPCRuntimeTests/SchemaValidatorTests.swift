import RPCRuntime
import Testing

@Suite("SchemaValidator")
struct SchemaValidatorTests {
    /// A tiny spec: `Item` is referenced by `Order`.
    private static let definitions: [String: Schema] = [
        "Item": .object(
            properties: ["name": .string(minLength: 1, maxLength: 8, constant: nil), "count": .integer(minimum: 1, maximum: 10)],
            required: ["name"], additional: .forbidden),
        "Order": .object(
            properties: [
                "items": .array(items: .ref("Item"), minItems: 1, maxItems: 3),
                "note": .nullable(.string(minLength: nil, maxLength: nil, constant: nil)),
                "kind": .enumeration(["pickup", "delivery"], open: false),
                "price": .number(minimum: 0, maximum: nil),
            ],
            required: ["items"], additional: .schema(.boolean)),
    ]
    private let validator = SchemaValidator { Self.definitions[$0] }

    private func violation(_ value: JSONValue, _ schema: Schema = .ref("Order"), protocol version: Int? = nil) -> SchemaViolation? {
        validator.firstViolation(of: value, against: schema, protocol: version)
    }

    @Test("a conforming value has no violation")
    func conforming() {
        #expect(violation(["items": [["name": "tea", "count": 2]], "note": nil, "kind": "pickup", "price": 3.5, "flag": true]) == nil)
    }

    @Test("each rule names the first fault and its JSON pointer", arguments: [
        (["items": []] as JSONValue, "/items", "must NOT have fewer than 1 items"),
        (["items": [["name": "a"], ["name": "b"], ["name": "c"], ["name": "d"]]], "/items", "must NOT have more than 3 items"),
        (["items": [["count": 1]]], "/items/0", "must have required property 'name'"),
        (["items": [["name": ""]]], "/items/0/name", "must NOT have fewer than 1 characters"),
        (["items": [["name": "ninechars"]]], "/items/0/name", "must NOT have more than 8 characters"),
        (["items": [["name": "a", "count": 11]]], "/items/0/count", "must be <= 10"),
        (["items": [["name": "a", "count": 1.5]]], "/items/0/count", "must be integer"),
        (["items": [["name": "a", "colour": "red"]]], "/items/0", "must NOT have additional properties ('colour')"),
        (["items": [["name": "a"]], "kind": "drone"], "/kind", "must be equal to one of the allowed values: pickup, delivery"),
        (["items": [["name": "a"]], "price": -1], "/price", "must be >= 0"),
        (["items": [["name": "a"]], "note": 3], "/note", "must be string"),
        (["items": [["name": "a"]], "extra/x~y": 1], "/extra~1x~0y", "must be boolean"),
        ("order", "/", "must be object"),
    ] as [(JSONValue, String, String)])
    func violations(_ value: JSONValue, path: String, message: String) {
        #expect(violation(value) == SchemaViolation(path: path, message: message))
    }

    @Test("an integer beyond Int64 is refused though it is integral; an unknown reference is a violation")
    func edges() {
        #expect(violation(.number(1e19), .integer(minimum: nil, maximum: nil))?.message == "must be a 64-bit integer")
        #expect(violation(.integer(.max), .integer(minimum: nil, maximum: nil)) == nil)
        #expect(violation(1, .ref("Nowhere"))?.message == "unknown schema Nowhere")
        #expect(violation("other", .string(minLength: nil, maxLength: nil, constant: "req"))?.message == #"must be equal to constant "req""#)
        #expect(violation("anything", .enumeration(["a"], open: true)) == nil)
        #expect(violation(["x": [1, "y"]], .any) == nil)
    }

    @Test("x-protocol rules apply only with a version: absent before `from`, required from `requiredFrom` when siblings match")
    func protocolRules() {
        let schema: Schema = .object(
            properties: ["mode": .string(minLength: nil, maxLength: nil, constant: nil), "device": .any, "legacy": .any],
            required: [], additional: .forbidden,
            protocolRules: ["device": ProtocolRule(from: 4, requiredFrom: 4, when: ["mode": "node"]), "legacy": ProtocolRule(until: 3)])
        #expect(violation(["mode": "node"], schema) == nil)
        #expect(violation(["mode": "node"], schema, protocol: 4)?.message == "must have required property 'device' in protocol 4")
        #expect(violation(["mode": "ui"], schema, protocol: 4) == nil)
        #expect(violation(["mode": "node", "device": 1], schema, protocol: 3)?.message == "must NOT have property 'device' in protocol 3")
        #expect(violation(["mode": "ui", "legacy": 1], schema, protocol: 4)?.message == "must NOT have property 'legacy' in protocol 4")
        #expect(violation(["mode": "ui", "legacy": 1], schema, protocol: 3) == nil)
    }
}

import Foundation
import GeneratedProtocol
import Testing

/// Absent, null and value stay distinct; open enums accept unknown values; JSON numbers compare
/// by value and keep integer precision.
@Suite("Nullable fields, open enums, JSON values")
struct NullableFieldTests {
    private func patchParams(_ text: String) throws -> SessionsPatchParams {
        try ExampleDispatcher.decodeParams(
            try parseJSON(text), as: SessionsPatchParams.self, schema: "SessionsPatchParams", method: .sessionsPatch)
    }

    // MARK: Nullable

    @Test("sessions.patch label: null decodes as .null (clear the label)")
    func presentNull() throws {
        let params = try patchParams(#"{"key":"agent:main:main","label":null}"#)
        #expect(params.label == .some(.null))
        #expect(params.key == "agent:main:main")
    }

    @Test("sessions.patch without label decodes label as nil (leave it unchanged)")
    func absent() throws {
        let params = try patchParams(#"{"key":"k"}"#)
        #expect(params.label == nil)
    }

    @Test("sessions.patch label: \"x\" decodes as .value(\"x\")")
    func value() throws {
        let params = try patchParams(#"{"key":"k","label":"x"}"#)
        #expect(params.label == .value("x"))
        #expect(params.label?.wrapped == "x")
    }

    @Test(
        "sessions.patch params re-encode to exactly the JSON they came from: null stays null, absent stays absent",
        arguments: [
            #"{"key":"agent:main:main","label":null}"#,
            #"{"key":"k"}"#,
            #"{"key":"k","label":"x"}"#,
            #"{"key":"agent:main:notes","label":"Notes","responseUsage":"tokens","sendPolicy":null,"thinkingLevel":null}"#,
            #"{"groupActivation":null,"key":"k","model":null,"spawnDepth":0}"#,
        ])
    func reEncodesSameShape(_ text: String) throws {
        let encoded = try JSONValue(encoding: try patchParams(text))
        #expect(try canonicalText(encoded) == canonicalText(try parseJSON(text)))
    }

    @Test("built in Swift, absent nullable fields are omitted and .null ones are sent as null")
    func encodeFromSwift() throws {
        let untouched = SessionsPatchParams(key: "k")
        #expect(try canonicalText(try JSONValue(encoding: untouched)) == #"{"key":"k"}"#)

        let cleared = SessionsPatchParams(key: "k", label: .null, sendPolicy: .null)
        #expect(try canonicalText(try JSONValue(encoding: cleared)) == #"{"key":"k","label":null,"sendPolicy":null}"#)

        let set = SessionsPatchParams(key: "k", label: .value("Notes"), sendPolicy: .value(.deny))
        #expect(try canonicalText(try JSONValue(encoding: set)) == #"{"key":"k","label":"Notes","sendPolicy":"deny"}"#)
    }

    @Test("a required nullable field is sent as null, never omitted")
    func requiredNullable() throws {
        let defaults = SessionsListResult.Defaults(contextTokens: .null, model: .null, modelProvider: .value("ollama"))
        #expect(try canonicalText(try JSONValue(encoding: defaults))
            == #"{"contextTokens":null,"model":null,"modelProvider":"ollama"}"#)

        let missing: JSONValue = ["model": nil, "modelProvider": nil]
        #expect(throws: DecodingError.self, "a required nullable field may not be absent") {
            try missing.decode(as: SessionsListResult.Defaults.self)
        }
    }

    @Test("an optional non-nullable field that is absent is omitted, never sent as null")
    func optionalOmitted() throws {
        let result = AgentIdentityResult(agentId: "main")
        #expect(try canonicalText(try JSONValue(encoding: result)) == #"{"agentId":"main"}"#)
    }

    // MARK: Open enums

    private func connectParams(clientID: String) -> JSONValue {
        [
            "minProtocol": 3, "maxProtocol": 3,
            "client": ["id": .string(clientID), "mode": "webchat", "platform": "MacIntel", "version": "control-ui"],
        ]
    }

    @Test("an unknown client.id validates, decodes and is kept, with isKnown false")
    func unknownClientID() throws {
        let params = connectParams(clientID: "rebranded-ui")
        #expect(SchemaValidator.spec.firstViolation(of: params, against: .ref("ConnectParams")) == nil)

        let decoded = try ExampleDispatcher.decodeParams(params, as: ConnectParams.self, schema: "ConnectParams", method: .connect)
        #expect(decoded.client.id.rawValue == "rebranded-ui")
        #expect(decoded.client.id.isKnown == false)
        #expect(try JSONValue(encoding: decoded) == params, "the unknown value is sent back unchanged")
    }

    @Test("a listed client.id decodes as its static member, with isKnown true")
    func knownClientID() throws {
        let params = connectParams(clientID: "openclaw-control-ui")
        let decoded = try ExampleDispatcher.decodeParams(params, as: ConnectParams.self, schema: "ConnectParams", method: .connect)
        #expect(decoded.client.id == .openclawControlUi)
        #expect(decoded.client.id.isKnown == true)
        #expect(decoded.client.mode == .webchat)
        #expect(decoded.client.mode.isKnown == true)
    }

    @Test("an open enum still requires a string")
    func openEnumRequiresString() {
        let params: JSONValue = [
            "minProtocol": 3, "maxProtocol": 3,
            "client": ["id": 7, "mode": "cli", "platform": "linux", "version": "1.0.0"],
        ]
        #expect(SchemaValidator.spec.firstViolation(of: params, against: .ref("ConnectParams"))
            == SchemaViolation(path: "/client/id", message: "must be string"))
    }

    // MARK: JSONValue

    @Test("JSON numbers compare by value: 1 == 1.0, and equal values hash alike")
    func numbersCompareByValue() throws {
        #expect(JSONValue.integer(1) == JSONValue.number(1.0))
        #expect(try parseJSON("1") == parseJSON("1.0"))
        #expect(try parseJSON(#"{"a":[1]}"#) == parseJSON(#"{"a":[1.0]}"#))
        #expect(Set<JSONValue>([.integer(1), .number(1.0)]).count == 1)
        #expect(JSONValue.integer(1) != JSONValue.number(1.5))
        #expect(JSONValue.integer(1) != JSONValue.bool(true), "true is not the number 1")
        #expect(JSONValue.integer(0) != JSONValue.null)
        #expect(JSONValue.string("1") != JSONValue.integer(1))
    }

    @Test("integer precision survives a round trip", arguments: [1_767_225_600_000, 9_007_199_254_740_993, Int.max, Int.min])
    func integerPrecision(_ number: Int) throws {
        let text = "\(number)"
        let parsed = try parseJSON(text)
        #expect(parsed.intValue == number)
        #expect(try canonicalText(parsed) == text)

        let tick = try parseJSON(#"{"ts":\#(text)}"#).decode(as: TickEvent.self)
        #expect(tick.ts == number)
        #expect(try canonicalText(try JSONValue(encoding: tick)) == #"{"ts":\#(text)}"#)
    }

    /// Integers compare exactly, so round-trip checks by `==` see precision loss beyond 2^53.
    @Test("distinct integers beyond 2^53 are different JSON values")
    func largeIntegersStayDistinct() {
        let odd = JSONValue.integer(9_007_199_254_740_993)
        let even = JSONValue.integer(9_007_199_254_740_992)
        #expect(odd != even)
        #expect(JSONValue.integer(Int.max) != JSONValue.integer(Int.max - 1))
        #expect(odd.intValue != even.intValue, "the stored integers themselves differ")
    }

    @Test("an epoch-ms timestamp keeps every digit through a typed decode/encode")
    func epochMilliseconds() throws {
        let challenge = try parseJSON(#"{"nonce":"5b0d6a3e-2f7c-4c1e-9a51-0c8f3f0b2d11","ts":1767225600000}"#)
            .decode(as: ConnectChallenge.self)
        #expect(challenge.ts == 1_767_225_600_000)
        let encoded = try JSONValue(encoding: challenge)
        #expect(encoded["ts"] == .integer(1_767_225_600_000))
        #expect(try canonicalText(encoded) == #"{"nonce":"5b0d6a3e-2f7c-4c1e-9a51-0c8f3f0b2d11","ts":1767225600000}"#)
    }
}

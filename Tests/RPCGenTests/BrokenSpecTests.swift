import Foundation
import Testing
@testable import rpcgen

/// A broken spec is reported with the file, the JSON pointer and a hint — and never
/// half-generated. Each case breaks `Fixtures/mini-spec.json` in one way.
@Suite struct BrokenSpecTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var mutate: @Sendable (inout [String: Any]) -> Void
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "misspelt $ref", mutate: { spec in
            spec[path: ["methods", "notes.put", "params", "$ref"]] = "#/definitions/NotePutParms"
        }, expected: [
            "spec.json: error: unknown $ref '#/definitions/NotePutParms' at /methods/notes.put/params (did you mean NotePutParams?)"
        ]),
        Case(name: "misspelt $ref inside a schema", mutate: { spec in
            spec[path: ["definitions", "NotePutResult", "properties", "note", "$ref"]] = "#/definitions/Note5"
        }, expected: [
            "spec.json: error: unknown $ref '#/definitions/Note5' at /definitions/NotePutResult/properties/note (did you mean Note?)"
        ]),
        Case(name: "unsupported keyword", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "key", "pattern"]] = "^n"
        }, expected: [
            "spec.json: error: unsupported schema keyword 'pattern' at /definitions/Note/properties/key/pattern (rpcgen supports the subset in docs/spec-format.md; express this with the keywords listed there)"
        ]),
        Case(name: "misspelt extension keyword", mutate: { spec in
            spec[path: ["definitions", "Note", "x-deviaton"]] = "why"
        }, expected: [
            "spec.json: error: unknown extension keyword 'x-deviaton' at /definitions/Note/x-deviaton (did you mean x-deviation?)"
        ]),
        Case(name: "required property not declared", mutate: { spec in
            spec[path: ["definitions", "Note", "required"]] = ["key", "txt", "updatedAt"]
        }, expected: [
            "spec.json: error: required property 'txt' is not declared in 'properties' at /definitions/Note/required/1 (did you mean text?)"
        ]),
        Case(name: "type as a list", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "text", "type"]] = ["string", "null"]
        }, expected: [
            "spec.json: error: 'type' must be a single string at /definitions/Note/properties/text/type (for 'X or null' write \"anyOf\": [{\"type\": \"X\"}, {\"type\": \"null\"}])"
        ]),
        Case(name: "minimum above maximum", mutate: { spec in
            spec[path: ["definitions", "NotePutParams", "properties", "owner", "properties", "weight", "minimum"]] = 2
        }, expected: [
            "spec.json: error: minimum 2 is greater than maximum 1.5 at /definitions/NotePutParams/properties/owner/properties/weight"
        ]),
        Case(name: "anyOf of unrelated schemas", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "text"]] = ["anyOf": [["type": "string"], ["type": "integer"]]]
        }, expected: [
            "spec.json: error: unsupported 'anyOf' shape at /definitions/Note/properties/text/anyOf (rpcgen supports anyOf of string consts (an enum) or of one schema plus {\"type\": \"null\"})"
        ]),
        Case(name: "event not declared", mutate: { spec in
            spec[path: ["methods", "notes.put", "emits"]] = ["notes"]
        }, expected: [
            "spec.json: error: unknown event 'notes' at /methods/notes.put/emits/0 (did you mean note?)"
        ]),
        Case(name: "error code not declared", mutate: { spec in
            spec[path: ["methods", "ping", "errors"]] = ["INVALID_REQUEST", "UNAVAILABL"]
        }, expected: [
            "spec.json: error: unknown error code 'UNAVAILABL' at /methods/ping/errors/1 (did you mean UNAVAILABLE?)"
        ]),
        Case(name: "scope not declared", mutate: { spec in
            spec[path: ["methods", "notes.put", "scope"]] = "operator.admin"
        }, expected: [
            "spec.json: error: unknown scope 'operator.admin' at /methods/notes.put/scope"
        ]),
        Case(name: "example params break the schema", mutate: { spec in
            spec[path: ["methods", "ping", "examples"]] = [["params": ["probe": 1], "result": ["ts": 1, "mode": "fast"]]]
        }, expected: [
            "spec.json: error: example params do not match PingParams: /probe must be boolean at /methods/ping/examples/0/params"
        ]),
        Case(name: "example result breaks the schema", mutate: { spec in
            spec[path: ["methods", "ping", "examples"]] = [["params": [:], "result": ["ts": 1, "mode": "medium"]]]
        }, expected: [
            "spec.json: error: example result does not match PingResult: /mode must be equal to one of the allowed values: fast, slow at /methods/ping/examples/0/result"
        ]),
        Case(name: "invalid example that is valid", mutate: { spec in
            spec[path: ["methods", "ping", "invalid"]] = [["params": ["probe": true], "error": "INVALID_REQUEST"]]
        }, expected: [
            "spec.json: error: invalid example is accepted by PingParams at /methods/ping/invalid/0/params (an invalid example must violate the params schema)"
        ]),
        Case(name: "invalid example whose details.path is not where the fault is", mutate: { spec in
            spec[path: ["methods", "ping", "invalid"]] = [
                ["params": ["probe": "x"], "error": "INVALID_REQUEST", "details": ["reason": "invalid-params", "path": "/"]]
            ]
        }, expected: [
            "spec.json: error: details.path is '/', but the params schema finds the fault at '/probe' (must be boolean) at /methods/ping/invalid/0/details/path (an invalid example should have one fault, and details.path names it)"
        ]),
        Case(name: "invalid example whose details is not an object", mutate: { spec in
            spec[path: ["methods", "ping", "invalid"]] = [["params": ["probe": "x"], "error": "INVALID_REQUEST", "details": "invalid-params"]]
        }, expected: [
            "spec.json: error: must be an object, found string at /methods/ping/invalid/0/details"
        ]),
        Case(name: "invalid example names an error the method cannot return", mutate: { spec in
            spec[path: ["methods", "ping", "invalid"]] = [["params": ["probe": "x"], "error": "UNAVAILABLE"]]
        }, expected: [
            "spec.json: error: unknown error code of this method 'UNAVAILABLE' at /methods/ping/invalid/0/error"
        ]),
        Case(name: "$ref cycle", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "parent"]] = ["$ref": "#/definitions/Note"]
        }, expected: [
            "spec.json: error: $ref cycle Note → Note at /definitions/Note (recursive types are not supported; break the cycle with {} (any JSON))"
        ]),
        Case(name: "definition named like a support type", mutate: { spec in
            spec[path: ["definitions", "JSONValue"]] = ["type": "string"]
        }, expected: [
            "spec.json: error: definition name 'JSONValue' clashes with a generated support type at /definitions/JSONValue (add \"x-swift-name\" to rename it)"
        ]),
        Case(name: "misspelt method key", mutate: { spec in
            spec[path: ["methods", "ping", "sumary"]] = "typo"
        }, expected: [
            "spec.json: error: unknown key 'sumary' at /methods/ping/sumary (did you mean summary?)"
        ]),
        Case(name: "method without invalid examples", mutate: { spec in
            spec[path: ["methods", "ping", "invalid"]] = [Any]()
        }, expected: [
            "spec.json: error: method 'ping' needs at least one invalid example at /methods/ping"
        ]),
        Case(name: "frame lacking a property the dispatcher needs", mutate: { spec in
            spec[path: ["definitions", "RequestFrame", "properties", "method"]] = nil
            spec[path: ["definitions", "RequestFrame", "required"]] = ["type", "id"]
        }, expected: [
            "spec.json: error: frame definition 'RequestFrame' lacks property 'method' at /definitions/RequestFrame/properties (the dispatcher needs type, id, method, params)"
        ]),
        Case(name: "the old single protocol key", mutate: { spec in
            spec["protocols"] = nil
            spec["protocol"] = 3
        }, expected: [
            "spec.json: error: 'protocol' was replaced by 'protocols' at /protocol (write \"protocols\": {\"3\": {\"summary\": \"…\"}}, one entry per version the spec describes)"
        ]),
        Case(name: "x-protocol naming a version the spec does not describe", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "revision", "x-protocol"]] = ["from": 5]
        }, expected: [
            "spec.json: error: protocol 5 is not one of the spec's protocols (3, 4) at /definitions/Note/properties/revision/x-protocol/from"
        ]),
        Case(name: "x-protocol requirement on a property that is always required", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "key", "x-protocol"]] = ["requiredFrom": 4]
        }, expected: [
            "spec.json: error: 'key' is already required in every protocol; drop it from 'required' to require it in some at /definitions/Note/properties/key/x-protocol"
        ]),
        Case(name: "x-protocol when naming no sibling", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "summary", "x-protocol"]] = ["requiredFrom": 4, "when": ["stat": "final"]]
        }, expected: [
            "spec.json: error: 'when' names 'stat', which is not a sibling property at /definitions/Note/properties/summary/x-protocol/when/stat (did you mean state?)"
        ]),
        Case(name: "x-protocol when with a value the sibling never takes", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "summary", "x-protocol"]] = ["requiredFrom": 4, "when": ["state": "done"]]
        }, expected: [
            "spec.json: error: 'state' can never be \"done\": must be equal to one of the allowed values: draft, final at /definitions/Note/properties/summary/x-protocol/when/state"
        ]),
        Case(name: "x-protocol on an array's items", mutate: { spec in
            spec[path: ["definitions", "Tags", "items", "x-protocol"]] = ["from": 4]
        }, expected: [
            "spec.json: error: 'x-protocol' applies to object properties (and to methods and events) at /definitions/Tags/items/x-protocol"
        ]),
        Case(name: "x-protocol with an unknown key", mutate: { spec in
            spec[path: ["definitions", "Note", "properties", "revision", "x-protocol"]] = ["form": 4]
        }, expected: [
            "spec.json: error: unknown key 'form' at /definitions/Note/properties/revision/x-protocol/form (did you mean from?)",
            "spec.json: error: 'x-protocol' must name at least one of: from, until, requiredFrom, requiredUntil at /definitions/Note/properties/revision/x-protocol",
        ]),
        Case(name: "an example of a version where its method does not exist", mutate: { spec in
            spec[path: ["methods", "notes.watch", "examples"]] = [["params": ["key": "n1"], "result": ["watching": true], "protocols": [3]]]
        }, expected: [
            "spec.json: error: the example applies to protocol 3, where its method does not exist at /methods/notes.watch/examples/0/protocols (the method exists in protocols 4)"
        ]),
        Case(name: "an example that breaks one version's rules", mutate: { spec in
            spec[path: ["events", "note", "examples"]] = [["key": "n1", "text": "hi", "updatedAt": NSNull(), "state": "final"]]
        }, expected: [
            "spec.json: error: example payload does not match Note in protocol 4: / must have required property 'summary' in protocol 4 at /events/note/examples/0"
        ]),
        Case(name: "error detail with an unknown error code", mutate: { spec in
            spec[path: ["errorDetails", "NOTE_LOCKED", "error"]] = "UNAVAILBLE"
        }, expected: [
            "spec.json: error: unknown error code 'UNAVAILBLE' at /errorDetails/NOTE_LOCKED/error (did you mean UNAVAILABLE?)"
        ]),
        Case(name: "subscription key that is no payload property", mutate: { spec in
            spec[path: ["events", "note.changed", "subscription", "key"]] = "noteKey"
        }, expected: [
            "spec.json: error: subscription key 'noteKey' is not a property of Note at /events/note.changed/subscription/key"
        ]),
        Case(name: "event-order step matching a member the payload lacks", mutate: { spec in
            spec["eventOrder"] = [[
                "name": "put-then-note", "summary": "s", "correlate": "key",
                "steps": [["response": "notes.put"], ["event": "note", "match": ["/txt": "hello"]]],
            ]]
        }, expected: [
            "spec.json: error: '/txt': Note has no member 'txt' at /eventOrder/0/steps/1/match/~1txt (did you mean text?)"
        ]),
        Case(name: "event-order step with a value the member never takes", mutate: { spec in
            spec["eventOrder"] = [[
                "name": "put-then-note", "summary": "s", "correlate": "key",
                "steps": [["response": "notes.put"], ["event": "note", "match": ["/state": "gone"]]],
            ]]
        }, expected: [
            "spec.json: error: '/state' can never be \"gone\": must be equal to one of the allowed values: draft, final at /eventOrder/0/steps/1/match/~1state"
        ]),
        Case(name: "response error not the error frame", mutate: { spec in
            spec[path: ["definitions", "ResponseFrame", "properties", "error"]] = ["type": "object"]
        }, expected: [
            "spec.json: error: 'error' of 'ResponseFrame' must be {\"$ref\": \"#/definitions/ErrorShape\"} at /definitions/ResponseFrame/properties/error (the dispatcher fills it from the error frame type)"
        ]),
    ]

    @Test("a broken spec names file, pointer and hint", arguments: cases)
    func brokenSpecIsReported(_ testCase: Case) throws {
        var spec = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.miniSpec)) as? [String: Any])
        testCase.mutate(&spec)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        #expect(diagnostics(forSpec: text) == testCase.expected)
    }

    @Test("text that is not JSON is reported with a hint to find the syntax error")
    func malformedJSONIsReported() {
        let reported = diagnostics(forSpec: "{\"protocol\": 3,")
        #expect(reported.count == 1)
        #expect(reported.first?.hasPrefix("spec.json: error: not valid JSON") == true)
        #expect(reported.first?.hasSuffix("at / (run `python3 -m json.tool spec.json` to find the syntax error)") == true)
    }

    @Test("several problems are reported together, in a stable order")
    func problemsAreReportedTogether() throws {
        var spec = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.miniSpec)) as? [String: Any])
        spec[path: ["definitions", "Note", "properties", "key", "format"]] = "uuid"
        spec[path: ["definitions", "Note", "properties", "text", "pattern"]] = "x"
        let text = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let reported = diagnostics(forSpec: text)
        #expect(reported.count == 2)
        #expect(reported == diagnostics(forSpec: text))
    }

    @Test("the real spec has no problems")
    func realSpecIsClean() throws {
        #expect(diagnostics(forSpec: try String(contentsOf: TestPaths.spec, encoding: .utf8)) == [])
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Reads or writes a nested member; writing nil removes it.
    subscript(path path: [String]) -> Any? {
        get {
            guard let first = path.first else { return nil }
            if path.count == 1 { return self[first] }
            return (self[first] as? [String: Any])?[path: Array(path.dropFirst())]
        }
        set {
            guard let first = path.first else { return }
            if path.count == 1 {
                self[first] = newValue
                return
            }
            var child = self[first] as? [String: Any] ?? [:]
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }
}

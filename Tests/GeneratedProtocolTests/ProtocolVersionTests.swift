import Foundation
import GeneratedProtocol
import Testing

/// The generated model of protocol versions: negotiation, the per-version validation rules of
/// the spec's `x-protocol` markers, and adapting values to the version a client speaks.
@Suite("Protocol versions")
struct ProtocolVersionTests {
    @Test("the spec describes protocols 3 and 4; 4 is the newest")
    func versions() {
        #expect(ProtocolVersion.supported.map(\.rawValue) == [3, 4])
        #expect(ProtocolVersion.newest == .v4)
        #expect(ProtocolVersion.oldest == .v3)
        #expect(ProtocolVersion.upstream == .v3, "the vendored 2026.2.18 schema is protocol 3")
        #expect(ProtocolVersion(rawValue: 5) == nil)
        #expect(ProtocolVersion(rawValue: 4) == .v4)
        #expect(ProtocolVersion.v3 < .v4)
    }

    @Test("negotiation: 4 when the range holds it, else 3 when it holds that, else nothing", arguments: [
        (4, 4, 4), (3, 4, 4), (3, 3, 3), (1, 3, 3), (2, 9, 4), (4, 5, 4), (5, 9, nil), (1, 2, nil), (4, 3, nil),
        (Int.min, Int.max, 4), (Int.max, Int.max, nil), (Int.min, Int.min, nil),
    ] as [(Int, Int, Int?)])
    func negotiation(_ min: Int, _ max: Int, _ expected: Int?) {
        #expect(ProtocolVersion.negotiate(min: min, max: max)?.rawValue == expected)
    }

    @Test("every method and event exists in both versions; hello-ok lists them per version")
    func availability() {
        for version in ProtocolVersion.supported {
            #expect(Set(ProtocolInfo.methods(for: version)) == Set(ProtocolInfo.methods))
            #expect(Set(ProtocolInfo.events(for: version)) == Set(ProtocolInfo.events))
        }
    }

    @Test("hello-ok.auth is required in protocol 4 and, when present in protocol 3, must carry a device token")
    func helloAuthRules() throws {
        let example = try #require(MethodName.connect.examples.first { $0.protocols == [.v4] })
        var hello = try parseJSON(example.result)
        #expect(SchemaValidator.spec.firstViolation(of: hello, against: .ref("HelloOk"), protocol: 4) == nil)
        hello = hello.removing("auth")
        #expect(SchemaValidator.spec.firstViolation(of: hello, against: .ref("HelloOk"), protocol: 4)?.message
            == "must have required property 'auth' in protocol 4")
        #expect(SchemaValidator.spec.firstViolation(of: hello, against: .ref("HelloOk"), protocol: 3) == nil)

        let withoutToken = hello.setting("auth", ["role": "operator", "scopes": []])
        #expect(SchemaValidator.spec.firstViolation(of: withoutToken, against: .ref("HelloOk"), protocol: 4) == nil)
        #expect(SchemaValidator.spec.firstViolation(of: withoutToken, against: .ref("HelloOk"), protocol: 3)?.message
            == "must have required property 'deviceToken' in protocol 3")
    }

    @Test("adapting hello-ok to protocol 3 drops an auth block without a device token and keeps one with it")
    func helloAdaptation() throws {
        let example = try #require(MethodName.connect.examples.first { $0.protocols == [.v4] })
        var hello = try parseJSON(example.result).decode(as: HelloOk.self)
        hello.auth = .init(role: "operator", scopes: ["operator.read"])
        #expect(hello.adapted(to: .v4).auth == hello.auth)
        #expect(hello.adapted(to: .v3).auth == nil)
        hello.auth?.deviceToken = "dt_1"
        #expect(hello.adapted(to: .v3).auth?.deviceToken == "dt_1")
        hello.pluginSurfaceUrls = ["canvas": "http://127.0.0.1/canvas"]
        #expect(hello.adapted(to: .v3).pluginSurfaceUrls == nil, "a protocol 4 member is dropped for protocol 3")
        #expect(hello.adapted(to: .v4).pluginSurfaceUrls != nil)
    }

    @Test("a protocol 4 delta must carry deltaText; protocol 3 accepts it without; replace exists only in 4")
    func chatDeltaRules() throws {
        let delta: JSONValue = ["runId": "r", "sessionKey": "agent:main:main", "seq": 1, "state": "delta"]
        #expect(SchemaValidator.spec.firstViolation(of: delta, against: .ref("ChatEvent"), protocol: 4)?.message
            == "must have required property 'deltaText' in protocol 4")
        #expect(SchemaValidator.spec.firstViolation(of: delta, against: .ref("ChatEvent"), protocol: 3) == nil)
        let final = delta.setting("state", "final")
        #expect(SchemaValidator.spec.firstViolation(of: final, against: .ref("ChatEvent"), protocol: 4) == nil,
                "the requirement holds only when state is delta")
        let replaced = delta.setting("deltaText", "Hello").setting("replace", true)
        #expect(SchemaValidator.spec.firstViolation(of: replaced, against: .ref("ChatEvent"), protocol: 4) == nil)
        #expect(SchemaValidator.spec.firstViolation(of: replaced, against: .ref("ChatEvent"), protocol: 3)?.message
            == "must NOT have property 'replace' in protocol 3")

        let event = ChatEvent(deltaText: "Hello", replace: true, runId: "r", seq: 1, sessionKey: "agent:main:main", state: .delta)
        #expect(GatewayEvent.chat(event).adapted(to: .v3) == .chat(ChatEvent(deltaText: "Hello", runId: "r", seq: 1, sessionKey: "agent:main:main", state: .delta)))
        #expect(GatewayEvent.chat(event).adapted(to: .v4) == .chat(event))
        #expect(!ChatEvent(runId: "r", seq: 1, sessionKey: "k", state: .delta).satisfiesProtocolRequirements(in: .v4))
        #expect(ChatEvent(runId: "r", seq: 1, sessionKey: "k", state: .delta).satisfiesProtocolRequirements(in: .v3))
    }

    @Test("the error details of the spec carry their error and close codes")
    func errorDetails() {
        #expect(ErrorDetailCode.protocolMismatch.rawValue == "PROTOCOL_MISMATCH")
        #expect(ErrorDetailCode.protocolMismatch.closeCode == .protocolError)
        #expect(ErrorDetailCode.deviceAuthNonceMismatch.errorCode == .invalidRequest)
        #expect(ErrorDetailCode.deviceAuthNonceMismatch.closeCode == .policyViolation)
        #expect(ErrorDetailCode.allCases.allSatisfy { $0.rawValue == $0.rawValue.uppercased() })
    }
}

extension JSONValue {
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        var members = objectValue ?? [:]
        members[key] = value
        return .object(members)
    }

    func removing(_ key: String) -> JSONValue {
        var members = objectValue ?? [:]
        members[key] = nil
        return .object(members)
    }
}

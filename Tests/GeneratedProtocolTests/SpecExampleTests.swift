import Foundation
import GeneratedProtocol
import Testing

/// The spec's examples, run through the generated code: every example validates, decodes into its
/// Swift type and encodes back to the same JSON; every invalid example is rejected.
@Suite("Spec examples")
struct SpecExampleTests {
    // MARK: The catalog

    @Test("ProtocolInfo.methods is exactly the 27 methods Kubeclaw serves")
    func methods() {
        let expected: Set<String> = [
            "connect", "chat.send", "chat.history", "chat.abort", "agents.list", "agent.identity.get",
            "sessions.list", "sessions.patch", "sessions.delete", "health", "status", "config.get", "models.list",
            // What today's clients call on load (issue 9).
            "sessions.subscribe", "sessions.unsubscribe", "sessions.messages.subscribe", "sessions.messages.unsubscribe",
            "sessions.create", "sessions.reset", "sessions.preview", "agent.wait", "chat.inject", "commands.list",
            "system-presence", "logs.tail", "models.authStatus", "channels.status",
        ]
        #expect(ProtocolInfo.methods.count == 27)
        #expect(Set(ProtocolInfo.methods) == expected)
        #expect(Set(MethodName.allCases.map(\.rawValue)) == expected)
    }

    @Test("ProtocolInfo.events contains the events clients rely on")
    func events() {
        let required: Set<String> = [
            "connect.challenge", "chat", "agent", "tick", "health", "shutdown", "sessions.changed", "session.message",
        ]
        #expect(required.isSubset(of: Set(ProtocolInfo.events)), "missing: \(required.subtracting(ProtocolInfo.events))")
        #expect(Set(ProtocolInfo.events).count == ProtocolInfo.events.count, "no event is listed twice")
    }

    @Test("the hello-ok examples advertise exactly the methods and events of their protocol version")
    func helloOkFeatures() throws {
        for example in MethodName.connect.examples {
            let hello = try parseJSON(example.result).decode(as: HelloOk.self)
            let version = try #require(ProtocolVersion(rawValue: hello.protocol), "example \(example.name ?? "?")")
            #expect(example.protocols == [version], "a connect example negotiates the one version it applies to")
            #expect(Set(hello.features.methods) == Set(ProtocolInfo.methods(for: version)), "example \(example.name ?? "?")")
            #expect(Set(hello.features.events) == Set(ProtocolInfo.events(for: version)), "example \(example.name ?? "?")")
            #expect(hello.policy.maxPayload == ProtocolLimits.maxPayload)
            #expect(hello.policy.maxBufferedBytes == ProtocolLimits.maxBufferedBytes)
            #expect(hello.policy.tickIntervalMs == ProtocolLimits.tickIntervalMs)
        }
    }

    @Test("every method has at least one example and one invalid example", arguments: MethodName.allCases)
    func everyMethodHasExamples(_ method: MethodName) {
        #expect(!method.examples.isEmpty)
        #expect(!method.invalidExamples.isEmpty)
    }

    @Test("the test's type table agrees with the spec's schema names", arguments: MethodName.allCases)
    func typeTable(_ method: MethodName) {
        #expect(method.codec.paramsTypeName == method.schemas.params)
        // A definition that is an array is a typealias, whose Swift name is the array's.
        let aliases = ["SystemPresenceResult": String(describing: SystemPresenceResult.self)]
        #expect(method.codec.resultTypeName == aliases[method.schemas.result] ?? method.schemas.result)
        #expect(SchemaTable.definition(named: method.schemas.params) != nil)
        #expect(SchemaTable.definition(named: method.schemas.result) != nil)
    }

    // MARK: Method examples

    @Test("every example's params pass decodeParams and encode back to the same JSON", arguments: MethodName.allCases)
    func exampleParamsRoundTrip(_ method: MethodName) throws {
        for example in method.examples {
            let label = "\(method.rawValue) example \(example.name ?? "?")"
            let params = try parseJSON(example.params)
            let expected = params

            let encoded: JSONValue
            do {
                encoded = try method.codec.decodeAndEncodeParams(params, of: method)
            } catch {
                Issue.record("\(label): params rejected: \(error)")
                continue
            }
            #expect(encoded == expected, "\(label)")
            #expect(try canonicalText(encoded) == canonicalText(expected), "\(label)")
        }
    }

    @Test("every example's result validates, decodes into the result type and encodes back to the same JSON", arguments: MethodName.allCases)
    func exampleResultsRoundTrip(_ method: MethodName) throws {
        for example in method.examples {
            let label = "\(method.rawValue) example \(example.name ?? "?")"
            let result = try parseJSON(example.result)
            for version in example.protocols {
                let violation = SchemaValidator.spec.firstViolation(of: result, against: .ref(method.schemas.result), protocol: version.rawValue)
                #expect(violation == nil, "\(label) in protocol \(version): \(String(describing: violation))")
            }

            let expected = result
            let encoded = try method.codec.roundTripResult(result)
            #expect(encoded == expected, "\(label)")
            #expect(try canonicalText(encoded) == canonicalText(expected), "\(label)")
            #expect(SchemaValidator.spec.firstViolation(of: encoded, against: .ref(method.schemas.result)) == nil,
                    "\(label): the re-encoded result still validates")
        }
    }

    @Test("every invalid example is rejected by decodeParams with its error code and an \"invalid <method> params: at /…\" message", arguments: MethodName.allCases)
    func invalidExamplesRejected(_ method: MethodName) throws {
        for example in method.invalidExamples {
            let label = "\(method.rawValue) invalid example \(example.name ?? "?")"
            let params = try parseJSON(example.params)
            do {
                let accepted = try method.codec.decodeAndEncodeParams(params, of: method)
                Issue.record("\(label): accepted as \(accepted)")
            } catch let error as GatewayError {
                #expect(error.code == example.error, "\(label)")
                #expect(error.message.hasPrefix("invalid \(method.rawValue) params: at /"), "\(label): \(error.message)")
                #expect(error.details?["reason"] == "invalid-params", "\(label)")
            } catch {
                Issue.record("\(label): threw \(error), not a GatewayError")
            }
        }
    }

    // MARK: Event examples

    @Test("every event has at least one example and its payload type matches the spec", arguments: EventName.allCases)
    func everyEventHasExamples(_ event: EventName) {
        #expect(!event.examples.isEmpty)
        #expect(event.payloadTypeName == event.payloadSchema)
    }

    @Test("every event example validates against its payload schema and round-trips through its payload type", arguments: EventName.allCases)
    func eventExamplesRoundTrip(_ event: EventName) throws {
        for (index, text) in event.examples.enumerated() {
            let label = "\(event.rawValue) example \(index)"
            let payload = try parseJSON(text)
            for version in event.protocols {
                let violation = SchemaValidator.spec.firstViolation(of: payload, against: .ref(event.payloadSchema), protocol: version.rawValue)
                #expect(violation == nil, "\(label) in protocol \(version): \(String(describing: violation))")
            }

            let expected = payload
            let typed = try event.event(decoding: payload)
            #expect(typed.name == event)
            let encoded = try typed.payloadValue()
            #expect(encoded == expected, "\(label)")
            #expect(try canonicalText(encoded) == canonicalText(expected), "\(label)")
        }
    }

    @Test("an event frame carries seq exactly when the event is sequenced, and validates as an EventFrame", arguments: EventName.allCases)
    func eventFrames(_ event: EventName) throws {
        let text = try #require(event.examples.first)
        let typed = try event.event(decoding: try parseJSON(text))
        let frame = try typed.frame(seq: 42)
        let wire = try JSONValue.parse(JSONEncoder().encode(frame))

        #expect(SchemaValidator.spec.firstViolation(of: wire, against: .ref("EventFrame")) == nil, "\(wire)")
        #expect(wire["type"] == "event")
        #expect(wire["event"] == .string(event.rawValue))
        if event.isSequenced {
            #expect(wire["seq"] == 42)
        } else {
            #expect(wire["seq"] == nil, "an unsequenced event omits seq (not null): \(wire)")
        }
        #expect(wire["stateVersion"] == nil, "absent stateVersion is omitted, never null")
    }

    /// The spec describes ChatMessage as open-ended ("providers add fields such as `api`, `provider`,
    /// `model`, …") and ContentPart's block-type-specific fields as "kept as-is": a server that
    /// builds chat.history from its transcript through these types must lose none of them.
    @Test("an open transcript message keeps its undeclared members through a decode/encode trip")
    func chatMessageKeepsUndeclaredMembers() throws {
        let message: JSONValue = [
            "role": "assistant", "timestamp": 1_767_225_601_501, "api": "openai-completions",
            "provider": "ollama", "model": "qwen2.5:14b",
            "content": [
                ["type": "text", "text": "Hello!"],
                ["type": "image", "mimeType": "image/png", "data": "iVBORw0KGgo="],
            ],
        ]
        #expect(SchemaValidator.spec.firstViolation(of: message, against: .ref("ChatMessage")) == nil)
        let encoded = try roundTrip(message, as: ChatMessage.self)
        #expect(encoded == message)
    }
}

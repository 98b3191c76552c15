import Foundation
import GeneratedProtocol
import Synchronization
import Testing

// MARK: - A tiny GatewayMethods implementation

/// What the transport knows about the caller.
struct Caller: Sendable, Equatable {
    var name: String
}

/// One call that reached a method implementation.
struct RecordedCall: Sendable, Equatable {
    var method: MethodName
    var caller: Caller
    /// The typed params the method received, encoded again.
    var params: JSONValue
}

final class CallLog: Sendable {
    private let calls = Mutex<[RecordedCall]>([])

    func append(_ call: RecordedCall) {
        calls.withLock { $0.append(call) }
    }

    var all: [RecordedCall] {
        calls.withLock { $0 }
    }
}

/// An error whose text must never reach a client.
struct LeakyBackendError: Error, CustomStringConvertible, LocalizedError {
    var secret: String
    var description: String { "backend exploded, connection string \(secret)" }
    var errorDescription: String? { description }
}

struct MissingExample: Error {
    var method: MethodName
}

/// Answers every method with the result of its first spec example, unless `failures` says it throws.
struct ExampleGateway: GatewayMethods {
    typealias Context = Caller

    enum Failure: Sendable {
        /// Throws this `GatewayError`.
        case gateway(GatewayError)
        /// Throws a plain Swift error carrying this secret.
        case leaky(secret: String)
    }

    var failures: [MethodName: Failure] = [:]
    /// Results answered instead of the spec's example (one that breaks its schema, say).
    var results: [MethodName: JSONValue] = [:]
    let log = CallLog()

    /// The fixed result of `method`: its first spec example's result, decoded.
    static func fixedResult<Result: Decodable>(of method: MethodName, as type: Result.Type) throws -> Result {
        guard let example = method.examples.first else { throw MissingExample(method: method) }
        return try parseJSON(example.result).decode(as: type)
    }

    private func answer<Params: Encodable, Result: Decodable>(_ method: MethodName, _ params: Params, _ caller: Caller) throws -> Result {
        log.append(RecordedCall(method: method, caller: caller, params: try JSONValue(encoding: params)))
        switch failures[method] {
        case .gateway(let error): throw error
        case .leaky(let secret): throw LeakyBackendError(secret: secret)
        case nil: return try results[method]?.decode(as: Result.self) ?? Self.fixedResult(of: method, as: Result.self)
        }
    }

    func agentIdentityGet(_ params: AgentIdentityParams, context: Caller) async throws -> AgentIdentityResult {
        try answer(.agentIdentityGet, params, context)
    }

    func agentsList(_ params: AgentsListParams, context: Caller) async throws -> AgentsListResult {
        try answer(.agentsList, params, context)
    }

    func chatAbort(_ params: ChatAbortParams, context: Caller) async throws -> ChatAbortResult {
        try answer(.chatAbort, params, context)
    }

    func chatHistory(_ params: ChatHistoryParams, context: Caller) async throws -> ChatHistoryResult {
        try answer(.chatHistory, params, context)
    }

    func chatSend(_ params: ChatSendParams, context: Caller) async throws -> ChatSendResult {
        try answer(.chatSend, params, context)
    }

    func configGet(_ params: ConfigGetParams, context: Caller) async throws -> ConfigGetResult {
        try answer(.configGet, params, context)
    }

    func connect(_ params: ConnectParams, context: Caller) async throws -> HelloOk {
        try answer(.connect, params, context)
    }

    func health(_ params: HealthParams, context: Caller) async throws -> HealthSummary {
        try answer(.health, params, context)
    }

    func modelsList(_ params: ModelsListParams, context: Caller) async throws -> ModelsListResult {
        try answer(.modelsList, params, context)
    }

    func sessionsDelete(_ params: SessionsDeleteParams, context: Caller) async throws -> SessionsDeleteResult {
        try answer(.sessionsDelete, params, context)
    }

    func sessionsList(_ params: SessionsListParams, context: Caller) async throws -> SessionsListResult {
        try answer(.sessionsList, params, context)
    }

    func sessionsPatch(_ params: SessionsPatchParams, context: Caller) async throws -> SessionsPatchResult {
        try answer(.sessionsPatch, params, context)
    }

    func agentWait(_ params: AgentWaitParams, context: Caller) async throws -> AgentWaitResult {
        try answer(.agentWait, params, context)
    }

    func channelsStatus(_ params: ChannelsStatusParams, context: Caller) async throws -> ChannelsStatusResult {
        try answer(.channelsStatus, params, context)
    }

    func chatInject(_ params: ChatInjectParams, context: Caller) async throws -> ChatInjectResult {
        try answer(.chatInject, params, context)
    }

    func commandsList(_ params: CommandsListParams, context: Caller) async throws -> CommandsListResult {
        try answer(.commandsList, params, context)
    }

    func logsTail(_ params: LogsTailParams, context: Caller) async throws -> LogsTailResult {
        try answer(.logsTail, params, context)
    }

    func modelsAuthStatus(_ params: ModelsAuthStatusParams, context: Caller) async throws -> ModelsAuthStatusResult {
        try answer(.modelsAuthStatus, params, context)
    }

    func sessionsCreate(_ params: SessionsCreateParams, context: Caller) async throws -> SessionsCreateResult {
        try answer(.sessionsCreate, params, context)
    }

    func sessionsMessagesSubscribe(_ params: SessionsMessagesSubscribeParams, context: Caller) async throws -> SessionsMessagesSubscribeResult {
        try answer(.sessionsMessagesSubscribe, params, context)
    }

    func sessionsMessagesUnsubscribe(_ params: SessionsMessagesSubscribeParams, context: Caller) async throws -> SessionsMessagesSubscribeResult {
        try answer(.sessionsMessagesUnsubscribe, params, context)
    }

    func sessionsPreview(_ params: SessionsPreviewParams, context: Caller) async throws -> SessionsPreviewResult {
        try answer(.sessionsPreview, params, context)
    }

    func sessionsReset(_ params: SessionsResetParams, context: Caller) async throws -> SessionsResetResult {
        try answer(.sessionsReset, params, context)
    }

    func sessionsSubscribe(_ params: SessionsListParams, context: Caller) async throws -> SessionsSubscribeResult {
        try answer(.sessionsSubscribe, params, context)
    }

    func sessionsUnsubscribe(_ params: SessionsUnsubscribeParams, context: Caller) async throws -> SessionsSubscribeResult {
        try answer(.sessionsUnsubscribe, params, context)
    }

    func systemPresence(_ params: SystemPresenceParams, context: Caller) async throws -> SystemPresenceResult {
        try answer(.systemPresence, params, context)
    }

    func status(_ params: StatusParams, context: Caller) async throws -> StatusSummary {
        try answer(.status, params, context)
    }
}

// MARK: - Driving the dispatcher

/// A response as the client receives it.
struct Reply {
    var frame: ResponseFrame
    /// The encoded bytes.
    var bytes: Data
    /// The encoded frame's members, parsed back from `bytes`.
    var wire: [String: JSONValue]
    /// The members of the encoded `error` object, or nil when there is none.
    var wireError: [String: JSONValue]? { wire["error"]?.objectValue }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Sends one inbound message through `Dispatcher.handle` and encodes the response.
func send(
    _ message: String, to gateway: ExampleGateway = ExampleGateway(), as caller: Caller = Caller(name: "alice"),
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Reply {
    let response = await Dispatcher(methods: gateway).handle(Data(message.utf8), context: caller)
    let bytes = try response.encoded()
    let frame = try response.decoded()
    let wireValue = try JSONValue.parse(bytes)
    let wire = try #require(wireValue.objectValue, "a response frame encodes as a JSON object", sourceLocation: sourceLocation)
    // Whatever the dispatcher answers is a valid response frame.
    #expect(
        SchemaValidator.spec.firstViolation(of: wireValue, against: .ref("ResponseFrame")) == nil,
        "response \(wireValue) does not validate against ResponseFrame", sourceLocation: sourceLocation)
    #expect(wire["type"] == "res", "every response has type \"res\"", sourceLocation: sourceLocation)
    return Reply(frame: frame, bytes: bytes, wire: wire)
}

/// A request frame's text.
func requestText(id: String, method: String, params: JSONValue? = nil) throws -> String {
    var members: [String: JSONValue] = ["type": "req", "id": .string(id), "method": .string(method)]
    if let params { members["params"] = params }
    return try canonicalText(.object(members))
}

// MARK: - Tests

@Suite("Dispatcher")
struct DispatcherTests {
    // MARK: Envelope

    @Test("malformed JSON is rejected as INVALID_REQUEST with id \"invalid\"")
    func malformedJSON() async throws {
        let gateway = ExampleGateway()
        let reply = try await send(#"{"type":"req","id":"r1","method":"health""#, to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == "invalid")
        #expect(reply.frame.error?.code == "INVALID_REQUEST")
        #expect(reply.frame.error?.message == "invalid request frame: malformed JSON")
        #expect(reply.frame.error?.details?["reason"] == "malformed-json")
        #expect(reply.wire["payload"] == nil, "an error response without payload omits the key")
        #expect(gateway.log.all.isEmpty)
    }

    struct BadFrame: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        /// The id the response must carry.
        var id: String
        /// `details.path` of the violation.
        var path: String
        /// A fragment of the error message.
        var mentions: String

        var testDescription: String { name }
    }

    static let badFrames: [BadFrame] = [
        BadFrame(name: "JSON array, not an object", message: #"[{"type":"req","id":"r1","method":"health"}]"#,
                 id: "invalid", path: "/", mentions: "must be object"),
        BadFrame(name: "JSON string, not an object", message: #""health""#,
                 id: "invalid", path: "/", mentions: "must be object"),
        BadFrame(name: "JSON null", message: "null", id: "invalid", path: "/", mentions: "must be object"),
        BadFrame(name: "missing id", message: #"{"type":"req","method":"health"}"#,
                 id: "invalid", path: "/", mentions: "must have required property 'id'"),
        BadFrame(name: "empty-string id", message: #"{"type":"req","id":"","method":"health"}"#,
                 id: "invalid", path: "/id", mentions: "must NOT have fewer than 1 characters"),
        BadFrame(name: "id not a string", message: #"{"type":"req","id":7,"method":"health"}"#,
                 id: "invalid", path: "/id", mentions: "must be string"),
        BadFrame(name: "missing method", message: #"{"type":"req","id":"r2"}"#,
                 id: "r2", path: "/", mentions: "must have required property 'method'"),
        BadFrame(name: "empty method", message: #"{"type":"req","id":"r3","method":""}"#,
                 id: "r3", path: "/method", mentions: "must NOT have fewer than 1 characters"),
        BadFrame(name: "wrong type \"res\"", message: #"{"type":"res","id":"r4","method":"health"}"#,
                 id: "r4", path: "/type", mentions: "must be equal to constant \"req\""),
        BadFrame(name: "missing type", message: #"{"id":"r5","method":"health"}"#,
                 id: "r5", path: "/", mentions: "must have required property 'type'"),
        BadFrame(name: "extra top-level key", message: #"{"type":"req","id":"r6","method":"health","seq":1}"#,
                 id: "r6", path: "/", mentions: "must NOT have additional properties ('seq')"),
    ]

    @Test("a frame that is not a valid request envelope is rejected as INVALID_REQUEST, echoing a usable id", arguments: badFrames)
    func invalidEnvelope(_ bad: BadFrame) async throws {
        let gateway = ExampleGateway()
        let reply = try await send(bad.message, to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == bad.id)
        let error = try #require(reply.frame.error)
        #expect(error.code == "INVALID_REQUEST")
        #expect(error.message.hasPrefix("invalid request frame: at \(bad.path): "), "message: \(error.message)")
        #expect(error.message.contains(bad.mentions), "message: \(error.message)")
        #expect(error.details?["reason"] == "invalid-frame")
        #expect(error.details?["path"] == .string(bad.path))
        #expect(reply.wire["payload"] == nil)
        #expect(gateway.log.all.isEmpty, "no method runs for a rejected frame")
    }

    @Test("an unknown method is rejected as INVALID_REQUEST \"unknown method: <name>\" with the request id")
    func unknownMethod() async throws {
        let gateway = ExampleGateway()
        let reply = try await send(try requestText(id: "r7", method: "foo.bar", params: [:]), to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == "r7")
        let error = try #require(reply.frame.error)
        #expect(error.code == "INVALID_REQUEST")
        #expect(error.message == "unknown method: foo.bar")
        #expect(error.details?["reason"] == "unknown-method")
        #expect(error.details?["method"] == "foo.bar")
        #expect(reply.wire["payload"] == nil)
        #expect(gateway.log.all.isEmpty)
    }

    @Test("Dispatcher.decode hands a well-formed request over without touching params")
    func decodeKeepsRawParams() throws {
        let withParams = ExampleDispatcher.decode(Data(try requestText(id: "d1", method: "chat.history", params: ["limit": 0]).utf8))
        guard case .request(let request) = withParams else {
            Issue.record("expected a request, got \(withParams)")
            return
        }
        #expect(request == IncomingRequest(id: "d1", method: .chatHistory, params: ["limit": 0]))

        let withoutParams = ExampleDispatcher.decode(Data(try requestText(id: "d2", method: "health").utf8))
        guard case .request(let bare) = withoutParams else {
            Issue.record("expected a request, got \(withoutParams)")
            return
        }
        #expect(bare.params == nil, "absent params stay absent until dispatch")
    }

    // MARK: Params

    struct BadParams: Sendable, CustomTestStringConvertible {
        var name: String
        var method: MethodName
        var params: JSONValue
        /// `details.path`: the offending field, or `/` when the violation is about the params object itself.
        var path: String
        /// `details.error`.
        var error: String

        var testDescription: String { name }
    }

    static let badParams: [BadParams] = [
        BadParams(name: "wrong type", method: .agentIdentityGet, params: ["sessionKey": 5],
                  path: "/sessionKey", error: "must be string"),
        BadParams(name: "wrong type, nested", method: .connect,
                  params: ["minProtocol": 3, "maxProtocol": 3,
                           "client": ["id": "cli", "mode": "cli", "platform": "linux", "version": 1]],
                  path: "/client/version", error: "must be string"),
        BadParams(name: "out of bounds above (chat.history limit 1001)", method: .chatHistory,
                  params: ["sessionKey": "agent:main:main", "limit": 1001], path: "/limit", error: "must be <= 1000"),
        BadParams(name: "out of bounds below (chat.history limit 0)", method: .chatHistory,
                  params: ["sessionKey": "agent:main:main", "limit": 0], path: "/limit", error: "must be >= 1"),
        BadParams(name: "not an integer (chat.history limit 2.5)", method: .chatHistory,
                  params: ["sessionKey": "agent:main:main", "limit": 2.5], path: "/limit", error: "must be integer"),
        BadParams(name: "too long (sessions.list label of 65)", method: .sessionsList,
                  params: ["label": .string(String(repeating: "x", count: 65))],
                  path: "/label", error: "must NOT have more than 64 characters"),
        BadParams(name: "closed enum (sessions.patch sendPolicy)", method: .sessionsPatch,
                  params: ["key": "agent:main:main", "sendPolicy": "block"],
                  path: "/sendPolicy", error: "must be equal to one of the allowed values: allow, deny"),
        BadParams(name: "array item (connect scopes[1] empty)", method: .connect,
                  params: ["minProtocol": 3, "maxProtocol": 3, "scopes": ["operator.read", ""],
                           "client": ["id": "cli", "mode": "cli", "platform": "linux", "version": "1.0.0"]],
                  path: "/scopes/1", error: "must NOT have fewer than 1 characters"),
        BadParams(name: "missing required", method: .chatSend,
                  params: ["sessionKey": "agent:main:main", "message": "hi"],
                  path: "/", error: "must have required property 'idempotencyKey'"),
        BadParams(name: "unknown field", method: .chatHistory,
                  params: ["sessionKey": "agent:main:main", "cursor": "abc"],
                  path: "/", error: "must NOT have additional properties ('cursor')"),
        BadParams(name: "params not an object", method: .agentsList, params: "all",
                  path: "/", error: "must be object"),
    ]

    @Test("params that break the method's schema are rejected as INVALID_REQUEST naming the violation", arguments: badParams)
    func invalidParams(_ bad: BadParams) async throws {
        let gateway = ExampleGateway()
        let reply = try await send(try requestText(id: "p1", method: bad.method.rawValue, params: bad.params), to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == "p1")
        let error = try #require(reply.frame.error)
        #expect(error.code == "INVALID_REQUEST")
        #expect(error.message == "invalid \(bad.method.rawValue) params: at \(bad.path): \(bad.error)")
        #expect(error.details?["reason"] == "invalid-params")
        #expect(error.details?["path"] == .string(bad.path))
        #expect(error.details?["error"] == .string(bad.error))
        #expect(reply.wire["payload"] == nil)
        #expect(gateway.log.all.isEmpty, "the method never runs with invalid params")
    }

    /// The validator accepts any integral JSON number for `type: integer`, but the Swift field is
    /// `Int`: 1e20 passes validation, fails decoding, and the error loses its path.
    @Test("an integer too large for the Swift field is rejected with details.path naming the field")
    func integerBeyondIntRange() async throws {
        let gateway = ExampleGateway()
        let params: JSONValue = [
            "sessionKey": "agent:main:main", "message": "hi", "idempotencyKey": "6f1c2b9e", "timeoutMs": 1e20,
        ]
        let reply = try await send(try requestText(id: "p2", method: "chat.send", params: params), to: gateway)

        let error = try #require(reply.frame.error)
        #expect(error.code == "INVALID_REQUEST")
        #expect(error.details?["reason"] == "invalid-params")
        #expect(gateway.log.all.isEmpty)
        #expect(error.message.hasPrefix("invalid chat.send params: at /timeoutMs: "), "message: \(error.message)")
        #expect(error.details?["path"] == "/timeoutMs")
    }

    @Test(
        "absent params are treated as {} for a method without required params",
        arguments: [MethodName.agentsList, .agentIdentityGet, .sessionsList, .health, .status, .configGet, .modelsList])
    func absentParams(_ method: MethodName) async throws {
        let gateway = ExampleGateway()
        let reply = try await send(try requestText(id: "a1", method: method.rawValue), to: gateway)

        #expect(reply.frame.ok == true, "error: \(String(describing: reply.frame.error))")
        #expect(gateway.log.all.map(\.method) == [method])
        #expect(gateway.log.all.first?.params == [:])
    }

    @Test("absent params are treated as {} and so fail a method with required params")
    func absentParamsWithRequiredField() async throws {
        let gateway = ExampleGateway()
        let reply = try await send(try requestText(id: "a2", method: "chat.history"), to: gateway)

        #expect(reply.frame.error?.message == "invalid chat.history params: at /: must have required property 'sessionKey'")
        #expect(gateway.log.all.isEmpty)
    }

    // MARK: Success

    @Test("a valid request reaches its method and answers ok:true with the id and the encoded result", arguments: MethodName.allCases)
    func success(_ method: MethodName) async throws {
        let gateway = ExampleGateway()
        let example = try #require(method.examples.first)
        let params = try parseJSON(example.params)
        let id = "req-\(method.rawValue)"
        let reply = try await send(try requestText(id: id, method: method.rawValue, params: params), to: gateway, as: Caller(name: "bob"))

        #expect(reply.frame.ok == true)
        #expect(reply.frame.id == id)
        #expect(Set(reply.wire.keys) == ["type", "id", "ok", "payload"], "an ok response has no error key, not even null: \(reply.text)")

        let expected = try method.codec.roundTripResult(try parseJSON(example.result))
        let payload = try #require(reply.wire["payload"])
        #expect(payload == expected)
        #expect(try canonicalText(payload) == canonicalText(expected))

        let expectedParams = try method.codec.decodeAndEncodeParams(params, of: method)
        let calls = gateway.log.all
        #expect(calls.count == 1)
        #expect(calls.first?.method == method, "the request is routed to its own method")
        #expect(calls.first?.caller == Caller(name: "bob"))
        #expect(calls.first?.params == expectedParams, "the method receives the request's params")
    }

    @Test("an id with quotes, backslashes, control and non-ASCII characters survives the envelope the result is spliced into")
    func oddIdAroundAnEncodedResult() async throws {
        let id = "q\"b\\s/\u{1}é🦀"
        let reply = try await send(try requestText(id: id, method: "agents.list", params: [:]))
        #expect(reply.frame.ok == true)
        #expect(reply.wire["id"] == .string(id))
        #expect(reply.wire["payload"] == (try ExampleGateway.fixedResult(of: .agentsList, as: JSONValue.self)))
    }

    @Test("a result that breaks its schema: an internal error naming the violation when results are validated, sent as it is when not")
    func resultValidation() async throws {
        var gateway = ExampleGateway()
        gateway.results[.chatAbort] = ["ok": true, "aborted": true, "runIds": [""]]
        let params = try parseJSON(try #require(MethodName.chatAbort.examples.first).params)
        let request = IncomingRequest(id: "v1", method: .chatAbort, params: params)

        let checked = await Dispatcher(methods: gateway, validatesResults: true).dispatch(request, context: Caller(name: "alice"))
        #expect(checked.ok == false)
        #expect(checked.error?.code == "UNAVAILABLE")
        #expect(checked.error?.message.contains("breaks ChatAbortResult") == true, "\(String(describing: checked.error))")

        let unchecked = await Dispatcher(methods: gateway, validatesResults: false).dispatch(request, context: Caller(name: "alice"))
        #expect(unchecked.ok == true)
        #expect(try unchecked.decoded().payload?["runIds"] == [""])
        #expect(Dispatcher<ExampleGateway>.validatesResultsByDefault, "tests run a debug build, which validates by default")
    }

    @Test("the context value reaches the method unchanged")
    func contextReachesMethod() async throws {
        let gateway = ExampleGateway()
        let request = try requestText(id: "c1", method: "agents.list", params: [:])
        _ = try await send(request, to: gateway, as: Caller(name: "operator-ui"))
        _ = try await send(request, to: gateway, as: Caller(name: "cli"))

        #expect(gateway.log.all.map(\.caller) == [Caller(name: "operator-ui"), Caller(name: "cli")])
    }

    // MARK: Errors thrown by methods

    @Test("a GatewayError thrown by a method becomes the response's error, with retryable and retryAfterMs")
    func gatewayError() async throws {
        var gateway = ExampleGateway()
        gateway.failures[.modelsList] = .gateway(.unavailable("backend down", retryAfterMs: 500))
        let reply = try await send(try requestText(id: "e1", method: "models.list", params: [:]), to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == "e1")
        #expect(reply.frame.error == ErrorShape(code: "UNAVAILABLE", message: "backend down", retryAfterMs: 500, retryable: true))
        #expect(Set(reply.wire.keys) == ["type", "id", "ok", "error"], "no payload key when there is no payload: \(reply.text)")
        #expect(reply.wireError.map { Set($0.keys) } == ["code", "message", "retryable", "retryAfterMs"],
                "absent optional error fields are omitted, never null: \(reply.text)")
        #expect(reply.wireError?["retryable"] == true)
        #expect(reply.wireError?["retryAfterMs"] == 500)
        #expect(gateway.log.all.map(\.method) == [.modelsList])
    }

    @Test("a GatewayError with a payload answers ok:false with both error and payload")
    func gatewayErrorWithPayload() async throws {
        let failed = ChatSendResult(runId: "b7e4a0d2-5c3f-4a8e-9d1b-7f2e6c0a9b34", status: .error, summary: "model backend unreachable")
        var gateway = ExampleGateway()
        gateway.failures[.chatSend] = .gateway(GatewayError(
            .unavailable, "model backend unreachable", payload: try JSONValue(encoding: failed)))
        let params: JSONValue = ["sessionKey": "agent:main:main", "message": "hi", "idempotencyKey": "b7e4a0d2-5c3f-4a8e-9d1b-7f2e6c0a9b34"]
        let reply = try await send(try requestText(id: "e2", method: "chat.send", params: params), to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.error?.code == "UNAVAILABLE")
        let payload = try #require(reply.wire["payload"])
        #expect(try payload.decode(as: ChatSendResult.self) == failed)
        #expect(SchemaValidator.spec.firstViolation(of: payload, against: .ref("ChatSendResult")) == nil)
    }

    @Test("any other error becomes UNAVAILABLE \"internal error\" and its text never reaches the client")
    func internalErrorHidesItsText() async throws {
        let secret = "postgres://admin:hunter2@10.0.0.7/kubeclaw"
        var gateway = ExampleGateway()
        gateway.failures[.configGet] = .leaky(secret: secret)
        let reply = try await send(try requestText(id: "e3", method: "config.get", params: [:]), to: gateway)

        #expect(reply.frame.ok == false)
        #expect(reply.frame.id == "e3")
        #expect(reply.frame.error?.code == "UNAVAILABLE")
        #expect(reply.frame.error?.message == "internal error")
        #expect(reply.frame.error?.details == nil)
        #expect(reply.wire["payload"] == nil)
        #expect(!reply.text.contains(secret), "the secret leaked: \(reply.text)")
        #expect(!reply.text.contains("hunter2"), "part of the secret leaked: \(reply.text)")
        #expect(!reply.text.contains("backend exploded"), "the error's description leaked: \(reply.text)")
        #expect(gateway.log.all.map(\.method) == [.configGet], "the method did run")
    }

    @Test(
        "a method that fails after its request was cancelled is answered cancelled, whatever it threw",
        arguments: [
            ExampleGateway.Failure.gateway(.unavailable("session store unavailable", retryAfterMs: 1000)),
            .leaky(secret: "interrupted"),
        ])
    func failureOfACancelledRequest(_ failure: ExampleGateway.Failure) async throws {
        // E.g. `agent.wait` cancelled during its store read: the interrupted read reports a store
        // error, but the client asked for the cancel and must be told that (seen once in CI).
        var gateway = ExampleGateway()
        gateway.failures[.agentWait] = failure
        let text = try requestText(id: "w1", method: "agent.wait", params: ["runId": "r1"])
        let reply = try await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await send(text, to: gateway)
        }.value

        #expect(reply.frame.ok == false)
        #expect(reply.frame.error?.code == "UNAVAILABLE")
        #expect(reply.frame.error?.message == "request cancelled")
        #expect(reply.frame.error?.details == ["reason": "cancelled"])
        #expect(gateway.log.all.map(\.method) == [.agentWait], "the method did run")
    }

    @Test("an error response names the error's code and message and omits every absent optional field")
    func errorResponseShape() throws {
        let frame = ExampleDispatcher.errorResponse(id: "x1", .invalidRequest("missing scope: operator.admin"))
        let wire = try #require(try JSONValue.parse(JSONEncoder().encode(frame)).objectValue)

        #expect(Set(wire.keys) == ["type", "id", "ok", "error"])
        #expect(wire["type"] == "res")
        #expect(wire["ok"] == false)
        #expect(wire["error"] == ["code": "INVALID_REQUEST", "message": "missing scope: operator.admin"])
    }
}

/// Renders the server side: the `GatewayMethods` protocol (one requirement per method) and
/// the `Dispatcher` that turns a raw request frame into a response frame.
struct SwiftDispatcherRenderer: Renderer {
    let identifier = "swift-dispatcher"
    let summary = "Swift GatewayMethods protocol and request Dispatcher"
    let outputFileNames = ["GatewayMethods.swift", "Dispatcher.swift"]

    func render(_ spec: IRSpec) -> [RenderedFile] {
        [
            RenderedFile(name: "GatewayMethods.swift", contents: renderProtocol(spec)),
            RenderedFile(name: "Dispatcher.swift", contents: renderDispatcher(spec)),
        ]
    }

    private func renderProtocol(_ spec: IRSpec) -> String {
        var writer = CodeWriter()
        writer.lines(SwiftTypesRenderer.header)
        writer.line(SwiftTypesRenderer.runtimeImport)
        writer.line()
        writer.line("/// The gateway's methods: implement one function per method and hand the implementation")
        writer.line("/// to a `Dispatcher`. Throw `GatewayError` to answer with a specific error code.")
        writer.block("public protocol GatewayMethods: Sendable") { writer in
            writer.line("/// Whatever the transport knows about the caller (connection, identity, scopes).")
            writer.line("associatedtype Context: Sendable")
            for method in spec.methods {
                writer.line()
                writer.line("/// `\(method.name)`: \(method.summary)")
                if let scope = method.scope { writer.line("///") ; writer.line("/// Scope: `\(scope)`.") }
                writer.line(
                    "func \(SwiftIdentifier.member(method.name))(_ params: \(method.paramsType), context: Context) async throws -> \(method.resultType)")
            }
        }
        return writer.text
    }

    private func frame(_ spec: IRSpec, _ name: String) -> IRObject? {
        for case .object(let object) in spec.types where object.name == name { return object }
        return nil
    }

    private func renderDispatcher(_ spec: IRSpec) -> String {
        guard let response = frame(spec, spec.frames.response) else { return SwiftTypesRenderer.header }
        let request = spec.frames.request
        let adaptation = SwiftAdaptation(spec)
        let cancelDefinition = spec.frames.cancel.flatMap { name in frame(spec, name).map { $0.definitionName ?? name } }
        let cancelCase = cancelDefinition == nil ? "" : """

            /// A client's `cancel` frame: stop the request with this id if it is still running.
            case cancel(id: String)
        """
        let cancelDecoding = cancelDefinition.map { definition in """
                if frame["type"]?.stringValue == "cancel" {
                    if let violation = SchemaValidator.spec.firstViolation(of: frame, against: .ref(\(SwiftIdentifier.literal(definition)))) {
                        return .rejected(errorResponse(id: id, .invalidRequest(
                            "invalid cancel frame: \\(violation)", details: ["reason": "invalid-frame", "path": .string(violation.path)])))
                    }
                    return .cancel(id: id)
                }

        """ } ?? ""
        let cancelHandle = cancelDefinition == nil ? "" : """

                case .cancel(let id): .frame(Self.errorResponse(id: id, .invalidRequest("nothing to cancel: no request is running", details: ["reason": "cancel"])))
        """
        let errorResponse = SwiftTypeSpelling.initializerCall(response, arguments: [
            "id": "id", "ok": "false", "payload": "error.payload", "error": "error.shape",
        ])
        let okEnvelope = SwiftTypeSpelling.initializerCall(response, arguments: ["id": "id", "ok": "true"])
        let errorShape = frame(spec, spec.frames.error).map(\.name) ?? "JSONValue"
        var writer = CodeWriter()
        writer.lines(SwiftTypesRenderer.header)
        writer.line("import Foundation")
        writer.line(SwiftTypesRenderer.runtimeImport)
        writer.line()
        writer.lines("""
        /// A request frame that passed envelope validation and names a known method.
        public struct IncomingRequest: Sendable, Equatable {
            public var id: String
            public var method: MethodName
            /// The raw params; validated against the method's schema by `Dispatcher.dispatch`.
            public var params: JSONValue?

            public init(id: String, method: MethodName, params: JSONValue?) {
                self.id = id
                self.method = method
                self.params = params
            }
        }

        /// The result of reading one inbound frame.
        public enum RequestDecoding: Sendable {
            /// A well-formed request for a known method.
            case request(IncomingRequest)
            /// A frame to answer with this error response (malformed, wrong envelope, unknown method).
            case rejected(\(response.name))\(cancelCase)
        }

        /// A response as the dispatcher produced it: a result encoded once, by the dispatcher, or a
        /// whole frame (an error). A transport writes ``encoded()``: the result's bytes are spliced
        /// into the envelope, never decoded and encoded again.
        public enum DispatchedResponse: Sendable {
            /// A success; `payload` is the result's JSON text.
            case result(id: String, payload: Data)
            /// A frame built whole (errors).
            case frame(\(response.name))

            public var id: String {
                switch self {
                case .result(let id, _): id
                case .frame(let frame): frame.id
                }
            }

            public var ok: Bool {
                switch self {
                case .result: true
                case .frame(let frame): frame.ok
                }
            }

            public var error: \(errorShape)? {
                switch self {
                case .result: nil
                case .frame(let frame): frame.error
                }
            }

            /// The frame's JSON text.
            public func encoded() throws -> Data {
                switch self {
                case .result(let id, let payload):
                    // The envelope without a payload ends in `}`: the payload goes in before it.
                    var text = try JSONEncoder.frames.encode(\(okEnvelope))
                    guard text.last == UInt8(ascii: "}") else { throw EncodingError.invalidValue(id, .init(codingPath: [], debugDescription: "envelope is not an object")) }
                    text.removeLast()
                    text.append(contentsOf: #","payload":"#.utf8)
                    text.append(payload)
                    text.append(UInt8(ascii: "}"))
                    return text
                case .frame(let frame):
                    return try JSONEncoder.frames.encode(frame)
                }
            }

            /// The response as a frame value, its payload parsed (for tests and callers that read it).
            public func decoded() throws -> \(response.name) {
                switch self {
                case .result(let id, let payload): \(SwiftTypeSpelling.initializerCall(response, arguments: ["id": "id", "ok": "true", "payload": "try JSONValue.parse(payload)"]))
                case .frame(let frame): frame
                }
            }
        }

        extension JSONEncoder {
            /// The encoder of everything a gateway sends: compact, `/` unescaped. One instance,
            /// shared (encoding takes no lock and keeps no state between calls).
            public static let frames: JSONEncoder = {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes]
                return encoder
            }()
        }

        /// Routes request frames to a `GatewayMethods` implementation.
        ///
        /// Decoding and dispatching are separate steps so a transport can apply its own rules
        /// (handshake order, scopes, rate limits) between them.
        public struct Dispatcher<Methods: GatewayMethods>: Sendable {
            public let methods: Methods
            /// Whether each result is checked against its schema before it is sent: a gateway
            /// that breaks its own spec then answers with an internal error naming the violation.
            /// The check parses the encoded result again, so it is on in debug builds (and tests)
            /// and off in release builds unless asked for.
            public let validatesResults: Bool

            public init(methods: Methods, validatesResults: Bool = Dispatcher.validatesResultsByDefault) {
                self.methods = methods
                self.validatesResults = validatesResults
            }

            /// True in debug builds.
            public static var validatesResultsByDefault: Bool {
                #if DEBUG
                true
                #else
                false
                #endif
            }

            /// Reads and checks one inbound frame: JSON, the request envelope, the method name.
            public static func decode(_ data: Data) -> RequestDecoding {
                let frame: JSONValue
                do {
                    frame = try JSONValue.parse(data)
                } catch {
                    return .rejected(errorResponse(id: "invalid", .invalidRequest("invalid request frame: malformed JSON", details: ["reason": "malformed-json"])))
                }
                let id = frame["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "invalid"
        \(cancelDecoding)        if let violation = SchemaValidator.spec.firstViolation(of: frame, against: .ref(\(SwiftIdentifier.literal(request)))) {
                    return .rejected(errorResponse(id: id, .invalidRequest(
                        "invalid request frame: \\(violation)",
                        details: ["reason": "invalid-frame", "path": .string(violation.path)])))
                }
                guard let name = frame["method"]?.stringValue, let method = MethodName(rawValue: name) else {
                    let name = frame["method"]?.stringValue ?? ""
                    return .rejected(errorResponse(id: id, .invalidRequest(
                        "unknown method: \\(name)", details: ["reason": "unknown-method", "method": .string(name)])))
                }
                return .request(IncomingRequest(id: id, method: method, params: frame["params"]))
            }

            /// Validates the params for the client's protocol `version`, calls the method, adapts and
            /// encodes its answer, hands the response to `send`, then performs the work the method
            /// deferred until after its response (``ResponseFollowUps``).
            public func dispatch(
                _ request: IncomingRequest, context: Methods.Context, protocol version: ProtocolVersion,
                send: (DispatchedResponse) -> Void
            ) async {
                let followUps = ResponseFollowUps()
                let response = await ResponseFollowUps.$current.withValue(followUps) {
                    await respond(to: request, context: context, protocol: version)
                }
                send(response)
                followUps.perform()
            }

            /// `dispatch` for callers that take the response themselves (deferred work runs as soon as
            /// it is returned).
            public func dispatch(
                _ request: IncomingRequest, context: Methods.Context, protocol version: ProtocolVersion = .newest
            ) async -> DispatchedResponse {
                var answer: DispatchedResponse?
                await dispatch(request, context: context, protocol: version) { answer = $0 }
                return answer ?? .frame(Self.errorResponse(id: request.id, .unavailable("internal error")))
            }

            private func respond(to request: IncomingRequest, context: Methods.Context, protocol version: ProtocolVersion) async -> DispatchedResponse {
                let id = request.id
                guard request.method.isAvailable(in: version) else {
                    return .frame(Self.errorResponse(id: id, .invalidRequest(
                        "unknown method: \\(request.method.rawValue)",
                        details: ["reason": "unknown-method", "method": .string(request.method.rawValue), "protocol": .integer(version.rawValue)])))
                }
                do {
                    return .result(id: id, payload: try await route(request, context: context, protocol: version))
                } catch let error as GatewayError where !Task.isCancelled {
                    return .frame(Self.errorResponse(id: id, error))
                } catch where error is CancellationError || Task.isCancelled {
                    // The client sent `cancel` for the request, or left. Whatever a cancelled handler
                    // threw (a store read interrupted by the cancellation reports a store error) is
                    // answered as what it is: cancelled.
                    return .frame(Self.errorResponse(id: id, .unavailable("request cancelled", details: ["reason": "cancelled"])))
                } catch {
                    // Anything unexpected is reported without its text: it may hold internals.
                    return .frame(Self.errorResponse(id: id, .unavailable("internal error")))
                }
            }

            /// `decode` then `dispatch` (the newest protocol).
            public func handle(_ data: Data, context: Methods.Context) async -> DispatchedResponse {
                switch Self.decode(data) {
                case .request(let request): await dispatch(request, context: context)
                case .rejected(let response): .frame(response)\(cancelHandle)
                }
            }

            /// A result as the client's `version` receives it, as JSON text: encoded once, here. With
            /// ``validatesResults`` it is checked against its schema for that version first.
            private func encode<Result: Encodable>(_ result: Result, schema: String, protocol version: ProtocolVersion) throws -> Data {
                let text = try JSONEncoder.frames.encode(result)
                if validatesResults, let violation = SchemaValidator.spec.firstViolation(
                    of: try JSONValue.parse(text), against: .ref(schema), protocol: version.rawValue) {
                    throw GatewayError.unavailable("internal error: the result breaks \\(schema) in protocol \\(version): \\(violation)")
                }
                return text
            }

            /// The error response for request `id`.
            public static func errorResponse(id: String, _ error: GatewayError) -> \(response.name) {
                \(errorResponse)
            }

            /// Validates `params` (absent means `{}`) against `schema` — with the `x-protocol` rules of
            /// `version` when given — and decodes them (``ParamsDecoder/decode(_:as:schema:method:protocol:)``).
            public static func decodeParams<Params: Decodable>(
                _ params: JSONValue?, as type: Params.Type, schema: String, method: MethodName, protocol version: ProtocolVersion? = nil
            ) throws -> Params {
                try ParamsDecoder.decode(params, as: type, schema: schema, method: method, protocol: version)
            }
        """)
        writer.indented { writer in
            writer.line()
            writer.block("private func route(_ request: IncomingRequest, context: Methods.Context, protocol version: ProtocolVersion) async throws -> Data") { writer in
                writer.block("switch request.method") { writer in
                    for method in spec.methods {
                        let member = SwiftIdentifier.member(method.name)
                        writer.line("case .\(member):")
                        writer.indented { writer in
                            writer.line(
                                "let params = try Self.decodeParams(request.params, as: \(method.paramsType).self, schema: \(SwiftIdentifier.literal(method.paramsSchema)), method: .\(member), protocol: version)")
                            let call = "try await methods.\(member)(params, context: context)"
                            let result = adaptation.isAdaptable(method.resultType) ? "(\(call)).adapted(to: version)" : call
                            writer.line("return try encode(\(result), schema: \(SwiftIdentifier.literal(method.resultSchema)), protocol: version)")
                        }
                    }
                }
            }
        }
        writer.line("}")
        writer.line()
        writer.lines("""
        /// Validates and decodes a method's params; the ``Dispatcher`` uses it, and so may a transport
        /// that reads `connect` itself.
        public enum ParamsDecoder {
            /// Validates `params` (absent means `{}`) against `schema` — with the `x-protocol` rules of
            /// `version` when given — and decodes them.
            public static func decode<Params: Decodable>(
                _ params: JSONValue?, as type: Params.Type, schema: String, method: MethodName, protocol version: ProtocolVersion? = nil
            ) throws -> Params {
                let value = params ?? .object([:])
                if let violation = SchemaValidator.spec.firstViolation(of: value, against: .ref(schema), protocol: version?.rawValue) {
                    throw GatewayError.invalidRequest(
                        "invalid \\(method.rawValue) params: \\(violation)",
                        details: ["reason": "invalid-params", "path": .string(violation.path), "error": .string(violation.message)])
                }
                do {
                    return try value.decode(as: type)
                } catch {
                    throw GatewayError.invalidRequest("invalid \\(method.rawValue) params", details: ["reason": "invalid-params"])
                }
            }
        }
        """)
        return writer.text
    }
}

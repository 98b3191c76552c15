/// Stage 2: checks what the parser cannot see locally — references, cross-section names,
/// cycles, Swift name clashes — and validates every example against its schema.
struct SpecResolver {
    /// Names the generated support code uses; a definition may not take them.
    static let reservedTypeNames: Set<String> = [
        "JSONValue", "Nullable", "Schema", "SchemaValidator", "SchemaViolation", "GatewayError", "GatewayMethods",
        "Dispatcher", "DispatchOutcome", "ParamsDecoder", "ProtocolVersion", "ProtocolRule", "ResponseFollowUps", "EventSubscriptions", "EventSubscription", "ErrorDetailCode", "RequestDecoding", "IncomingRequest", "MethodName", "EventName", "ErrorCode", "ProtocolLimits",
        "ProtocolInfo", "MethodDescriptor", "EventDescriptor", "GatewayEvent", "CloseCode", "Scope", "SchemaTable",
        "SpecCatalog", "AnyCodingKey", "String", "Int", "Double", "Bool", "Array", "Dictionary", "Optional", "Error", "Data",
    ]

    var diagnostics: DiagnosticCollector
    let spec: ParsedSpec
    let definitions: [String: SchemaNode]

    static func resolve(_ spec: ParsedSpec) throws -> ResolvedSpec {
        var resolver = SpecResolver(spec: spec)
        resolver.run()
        try resolver.diagnostics.throwIfErrors()
        return ResolvedSpec(parsed: spec, definitions: resolver.definitions)
    }

    private init(spec: ParsedSpec) {
        self.spec = spec
        self.diagnostics = DiagnosticCollector(file: spec.file)
        self.definitions = Dictionary(spec.definitions.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first })
    }

    private mutating func run() {
        for (name, schema) in spec.definitions {
            checkDefinitionName(name, schema)
            checkReferences(in: schema)
        }
        checkCycles()
        checkFrames()
        checkNamed(spec.limits.rateLimitErrorCode, among: spec.errors.map(\.code), what: "error code")
        let errorCodes = spec.errors.map(\.code)
        for method in spec.methods {
            checkMethod(method, errorCodes: errorCodes)
        }
        for event in spec.events {
            checkEvent(event)
        }
        checkProtocolVersions()
        checkErrorDetails()
        checkSubscriptions()
        checkEventOrder()
        guard !diagnostics.hasErrors else { return }
        validateExamples()
    }

    private mutating func checkDefinitionName(_ name: String, _ schema: SchemaNode) {
        let swiftName = schema.extensions.swiftName ?? name
        if !SwiftIdentifier.isValid(swiftName) || !(swiftName.first?.isUppercase ?? false) {
            diagnostics.error(
                "definition name '\(name)' is not an UpperCamelCase identifier", at: schema.pointer,
                hint: "rename it or add \"x-swift-name\"")
        }
        if Self.reservedTypeNames.contains(swiftName) {
            diagnostics.error(
                "definition name '\(swiftName)' clashes with a generated support type", at: schema.pointer,
                hint: "add \"x-swift-name\" to rename it")
        }
    }

    private mutating func checkReferences(in schema: SchemaNode) {
        switch schema.kind {
        case .ref(let name):
            if definitions[name] == nil {
                diagnostics.error(
                    "unknown $ref '#/definitions/\(name)'", at: schema.pointer,
                    hint: NameSuggester.suggestion(for: name, among: definitions.keys.sorted()).map { "did you mean \($0)?" })
            }
        case .array(let items, _, _):
            checkReferences(in: items)
        case .nullable(let inner):
            checkReferences(in: inner)
        case .object(let rules):
            rules.properties.forEach { checkReferences(in: $0.schema) }
            if case .schema(let value) = rules.additional { checkReferences(in: value) }
        case .any, .null, .boolean, .string, .integer, .number, .enumeration:
            break
        }
    }

    /// A definition that contains itself by value cannot be a Swift struct.
    private mutating func checkCycles() {
        var state: [String: Bool] = [:]  // false: visiting, true: done
        func visit(_ name: String, _ trail: [String], _ resolver: inout SpecResolver) {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = trail.drop(while: { $0 != name }) + [name]
                resolver.diagnostics.error(
                    "$ref cycle \(cycle.joined(separator: " → "))", at: resolver.definitions[name]?.pointer ?? .root,
                    hint: "recursive types are not supported; break the cycle with {} (any JSON)")
                return
            }
            state[name] = false
            for target in Self.references(of: resolver.definitions[name]) { visit(target, trail + [name], &resolver) }
            state[name] = true
        }
        for name in definitions.keys.sorted() where definitions[name] != nil { visit(name, [], &self) }
    }

    static func references(of schema: SchemaNode?) -> [String] {
        guard let schema else { return [] }
        switch schema.kind {
        case .ref(let name): return [name]
        case .array(let items, _, _): return references(of: items)
        case .nullable(let inner): return references(of: inner)
        case .object(let rules):
            var names = rules.properties.flatMap { references(of: $0.schema) }
            if case .schema(let value) = rules.additional { names += references(of: value) }
            return names
        case .any, .null, .boolean, .string, .integer, .number, .enumeration: return []
        }
    }

    mutating func checkNamed(_ named: ParsedSpec.Named, among names: [String], what: String) {
        guard !names.contains(named.name) else { return }
        diagnostics.error(
            "unknown \(what) '\(named.name)'", at: named.pointer,
            hint: NameSuggester.suggestion(for: named.name, among: names).map { "did you mean \($0)?" })
    }

    mutating func checkDefinitionRef(_ named: ParsedSpec.Named) {
        guard definitions[named.name] == nil else { return }
        diagnostics.error(
            "unknown $ref '#/definitions/\(named.name)'", at: named.pointer,
            hint: NameSuggester.suggestion(for: named.name, among: definitions.keys.sorted()).map { "did you mean \($0)?" })
    }

    private mutating func checkFrames() {
        let frames = spec.frames
        let expectations: [(ParsedSpec.Named, [String])] = [
            (frames.request, ["type", "id", "method", "params"]),
            (frames.response, ["type", "id", "ok", "payload", "error"]),
            (frames.event, ["type", "event", "payload", "seq"]),
            (frames.error, ["code", "message", "details", "retryable", "retryAfterMs"]),
        ]
        for (named, properties) in expectations {
            checkDefinitionRef(named)
            guard let schema = definitions[named.name] else { continue }
            guard case .object(let rules) = schema.kind else {
                diagnostics.error("frame definition '\(named.name)' must be an object", at: schema.pointer)
                continue
            }
            let declared = rules.properties.map(\.name)
            for property in properties where !declared.contains(property) {
                diagnostics.error(
                    "frame definition '\(named.name)' lacks property '\(property)'", at: schema.pointer.appending("properties"),
                    hint: "the dispatcher needs \(properties.joined(separator: ", "))")
            }
        }
        // The dispatcher builds the response's error from the error frame type.
        if case .object(let rules)? = definitions[frames.response.name]?.kind,
           let error = rules.properties.first(where: { $0.name == "error" })?.schema, error.kind != .ref(frames.error.name) {
            diagnostics.error(
                "'error' of '\(frames.response.name)' must be {\"$ref\": \"#/definitions/\(frames.error.name)\"}", at: error.pointer,
                hint: "the dispatcher fills it from the error frame type")
        }
    }

    private mutating func checkMethod(_ method: ParsedSpec.Method, errorCodes: [String]) {
        if method.name.range(of: "^[a-z][a-zA-Z0-9-]*(\\.[a-z][a-zA-Z0-9-]*)*$", options: .regularExpression) == nil {
            diagnostics.error("method name '\(method.name)' must be dot-separated lowerCamelCase words (or kebab-case)", at: method.pointer)
        }
        checkDefinitionRef(method.params)
        checkDefinitionRef(method.result)
        if let scope = method.scope { checkNamed(scope, among: spec.scopes.map(\.name), what: "scope") }
        let eventNames = spec.events.map(\.name)
        for event in method.emits { checkNamed(event, among: eventNames, what: "event") }
        for code in method.errors { checkNamed(code, among: errorCodes, what: "error code") }
        for example in method.invalid {
            checkNamed(example.error, among: method.errors.map(\.name), what: "error code of this method")
        }
        if let params = definitions[method.params.name], !isObject(params) {
            diagnostics.error("params of '\(method.name)' must be an object schema", at: method.params.pointer)
        }
    }

    /// An invalid example's `details.path` must be where the params schema finds the fault
    /// (the first violation; the root is `/`), in every version it applies to.
    private mutating func checkDetailsPath(of example: ParsedSpec.InvalidExample, violations: [(path: String, message: String)]) {
        guard let declared = example.details["path"] else { return }
        guard case .string(let path) = declared else {
            diagnostics.error("must be a string (a JSON pointer into the params), found \(declared.typeName)", at: example.pointer.appending("details").appending("path"))
            return
        }
        for violation in violations {
            let found = violation.path.isEmpty ? "/" : violation.path
            if found != path {
                diagnostics.error(
                    "details.path is '\(path)', but the params schema finds the fault at '\(found)' (\(violation.message))",
                    at: example.pointer.appending("details").appending("path"),
                    hint: "an invalid example should have one fault, and details.path names it")
                return
            }
        }
    }

    private func isObject(_ schema: SchemaNode) -> Bool {
        if case .object = schema.kind { return true }
        return false
    }

    private mutating func checkEvent(_ event: ParsedSpec.Event) {
        if event.name.range(of: "^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*$", options: .regularExpression) == nil {
            diagnostics.error("event name '\(event.name)' must be dot-separated lowerCamelCase words", at: event.pointer)
        }
        checkDefinitionRef(event.payload)
    }

    /// Every example is validated in every protocol version it applies to. A violation that
    /// every version shares is reported once; one that depends on the version names it.
    private mutating func validateExamples() {
        for method in spec.methods {
            let params = definition(method.params.name), result = definition(method.result.name)
            let available = versions(available: method.protocolRule)
            for example in method.examples {
                let versions = example.protocols ?? available
                report(violations(of: example.params, against: params, in: versions), of: versions.count, at: example.pointer.appending("params")) {
                    "example params do not match \(method.params.name)\($0): \($1.path) \($1.message)"
                }
                report(violations(of: example.result, against: result, in: versions), of: versions.count, at: example.pointer.appending("result")) {
                    "example result does not match \(method.result.name)\($0): \($1.path) \($1.message)"
                }
            }
            for example in method.invalid {
                let versions = example.protocols ?? available
                let violations = versions.map { version in
                    (version, ExampleValidator(definitions: definitions, protocolVersion: version).firstViolation(of: example.params, against: params))
                }
                let accepted = violations.filter { $0.1 == nil }.map(\.0)
                guard accepted.isEmpty else {
                    let which = accepted.count == versions.count ? "" : " in protocol \(accepted.map(String.init).joined(separator: ", "))"
                    diagnostics.error(
                        "invalid example is accepted by \(method.params.name)\(which)", at: example.pointer.appending("params"),
                        hint: "an invalid example must violate the params schema")
                    continue
                }
                checkDetailsPath(of: example, violations: violations.compactMap { $0.1 })
            }
        }
        for event in spec.events {
            let payload = definition(event.payload.name)
            let eventVersions = versions(available: event.protocolRule)
            for (pointer, example) in event.examples {
                report(violations(of: example, against: payload, in: eventVersions), of: eventVersions.count, at: pointer) {
                    "example payload does not match \(event.payload.name)\($0): \($1.path) \($1.message)"
                }
            }
        }
    }

    private func violations(of value: JSONTree, against schema: SchemaNode, in versions: [Int]) -> [(version: Int, violation: (path: String, message: String))] {
        versions.compactMap { version in
            ExampleValidator(definitions: definitions, protocolVersion: version).firstViolation(of: value, against: schema).map { (version, $0) }
        }
    }

    /// One error when all `checked` versions have the same violation, else one per version.
    private mutating func report(
        _ found: [(version: Int, violation: (path: String, message: String))], of checked: Int, at pointer: JSONPointer,
        _ message: (String, (path: String, message: String)) -> String
    ) {
        guard let first = found.first else { return }
        let shared = found.count == checked && found.allSatisfy { $0.violation == first.violation }
        if shared, !first.violation.message.contains(" in protocol ") {
            diagnostics.error(message("", first.violation), at: pointer)
            return
        }
        for (version, violation) in found {
            diagnostics.error(message(" in protocol \(version)", violation), at: pointer)
        }
    }

    func definition(_ name: String) -> SchemaNode {
        definitions[name] ?? SchemaNode(pointer: .root, kind: .any)
    }
}

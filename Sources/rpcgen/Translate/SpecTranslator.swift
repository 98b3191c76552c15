/// Stage 3: resolved spec → IR. Hoists inline objects and enums into nested types and
/// chooses every type name.
struct SpecTranslator {
    private let spec: ResolvedSpec
    /// Definition (JSON) name → type name.
    private let typeNames: [String: String]

    static func translate(_ spec: ResolvedSpec) -> IRSpec {
        SpecTranslator(spec: spec).translate()
    }

    private init(spec: ResolvedSpec) {
        self.spec = spec
        var names: [String: String] = [:]
        for (name, schema) in spec.parsed.definitions { names[name] = schema.extensions.swiftName ?? name }
        self.typeNames = names
    }

    private func translate() -> IRSpec {
        let parsed = spec.parsed
        let limits = parsed.limits
        return IRSpec(
            title: parsed.info.title,
            summary: parsed.info.summary,
            upstream: parsed.info.upstreamName.map { name in
                [name, parsed.info.upstreamVersion].compactMap { $0 }.joined(separator: " ")
            },
            protocols: parsed.protocols.map { IRProtocolVersion(version: $0.version, summary: $0.summary, since: $0.since) },
            upstreamProtocol: parsed.info.upstreamProtocol,
            limits: IRLimits(
                maxPayload: limits.maxPayload, maxBufferedBytes: limits.maxBufferedBytes,
                tickIntervalMs: limits.tickIntervalMs, handshakeTimeoutMs: limits.handshakeTimeoutMs,
                rateLimitMessages: limits.rateLimitMessages, rateLimitWindowMs: limits.rateLimitWindowMs,
                rateLimitErrorCode: limits.rateLimitErrorCode.name, authFailures: limits.authFailures,
                authFailureWindowMs: limits.authFailureWindowMs, authLockoutMs: limits.authLockoutMs),
            frames: IRFrames(
                request: typeName(parsed.frames.request.name), response: typeName(parsed.frames.response.name),
                event: typeName(parsed.frames.event.name), error: typeName(parsed.frames.error.name),
                cancel: parsed.frames.cancel.map { typeName($0.name) }),
            errorDetails: parsed.errorDetails.map {
                IRErrorDetail(code: $0.code, error: $0.error.name, closeCode: $0.closeCode, summary: $0.summary)
            }.sorted { $0.code < $1.code },
            eventOrder: parsed.eventOrder.map(orderRule),
            scopes: parsed.scopes.map { IRScope(name: $0.name, summary: $0.summary) },
            errors: parsed.errors.map { IRErrorCode(code: $0.code, retryable: $0.retryable, summary: $0.summary) },
            closeCodes: parsed.closeCodes.map { IRCloseCode(code: $0.code, name: $0.name, summary: $0.summary) },
            types: parsed.definitions.map { declaration(forDefinition: $0.name, $0.schema) }
                .sorted { $0.name < $1.name },
            methods: parsed.methods.map(method),
            events: parsed.events.map(event),
            schemas: parsed.definitions.map { IRNamedSchema(name: $0.name, schema: Self.schema($0.schema)) })
    }

    private func typeName(_ definition: String) -> String {
        typeNames[definition] ?? definition
    }

    /// The versions a method or event with this rule exists in.
    private func versions(_ rule: ProtocolRule?) -> [Int] {
        spec.parsed.protocols.map(\.version).filter { rule?.isAvailable(in: $0) ?? true }
    }

    private func method(_ method: ParsedSpec.Method) -> IRMethod {
        let available = versions(method.protocolRule)
        return IRMethod(
            name: method.name, summary: method.summary, description: method.description, scope: method.scope?.name,
            paramsType: typeName(method.params.name), resultType: typeName(method.result.name),
            paramsSchema: method.params.name, resultSchema: method.result.name,
            emits: method.emits.map(\.name), errors: method.errors.map(\.name),
            examples: method.examples.map {
                .init(
                    name: $0.name, params: $0.params.compactText, result: $0.result.compactText, dependsOn: $0.dependsOn,
                    protocols: $0.protocols ?? available)
            },
            invalid: method.invalid.map {
                .init(
                    name: $0.name, params: $0.params.compactText, error: $0.error.name,
                    details: $0.details.sorted { $0.key < $1.key }.map { IRMatch(pointer: JSONPointer.root.appending($0.key).description, value: $0.value.compactText) },
                    protocols: $0.protocols ?? available)
            },
            deviation: method.deviation, since: method.since, protocols: available)
    }

    private func event(_ event: ParsedSpec.Event) -> IREvent {
        IREvent(
            name: event.name, summary: event.summary, payloadType: typeName(event.payload.name),
            payloadSchema: event.payload.name, sequenced: event.sequenced,
            examples: event.examples.map(\.payload.compactText), deviation: event.deviation, since: event.since,
            protocols: versions(event.protocolRule),
            subscription: event.subscription.map {
                IREventSubscription(subscribe: $0.subscribe.name, unsubscribe: $0.unsubscribe.name, key: $0.key)
            })
    }

    private func orderRule(_ rule: ParsedSpec.OrderRule) -> IREventOrderRule {
        IREventOrderRule(
            name: rule.name, summary: rule.summary, correlate: rule.correlate,
            steps: rule.steps.map { step in
                switch step {
                case .response(let method): .response(method.name)
                case .event(let event, let match, _):
                    .event(event.name, match: match.map { IRMatch(pointer: $0.pointer, value: $0.value.compactText) })
                }
            })
    }

    static func protocolRule(_ rule: ProtocolRule?) -> IRProtocolRule? {
        guard let rule else { return nil }
        return IRProtocolRule(
            from: rule.from, until: rule.until, requiredFrom: rule.requiredFrom, requiredUntil: rule.requiredUntil,
            when: rule.when.sorted { $0.key < $1.key }.map { IRCondition(property: $0.key, value: $0.value) })
    }

    // MARK: Types

    private func documentation(_ schema: SchemaNode) -> IRDocumentation {
        IRDocumentation(
            summary: schema.description ?? schema.title, deviation: schema.extensions.deviation,
            since: schema.extensions.since, defaultValue: schema.defaultValue?.compactText)
    }

    private func declaration(forDefinition name: String, _ schema: SchemaNode) -> IRTypeDeclaration {
        let typeName = typeName(name)
        switch schema.kind {
        case .object(let rules) where rules.mapValue == nil:
            return .object(object(named: typeName, definition: name, schema, rules))
        case .enumeration(let values):
            return .enumeration(IREnum(
                name: typeName, definitionName: name, documentation: documentation(schema), values: values,
                isOpen: schema.extensions.openEnum))
        default:
            var nested: [IRTypeDeclaration] = []
            let target = reference(for: schema, propertyName: typeName + "Value", parentPath: [], nested: &nested)
            return .alias(IRAlias(name: typeName, definitionName: name, documentation: documentation(schema), target: target))
        }
    }

    private func object(named name: String, definition: String?, _ schema: SchemaNode, _ rules: SchemaNode.ObjectRules, path: [String] = []) -> IRObject {
        let path = path + [name]
        var nested: [IRTypeDeclaration] = []
        var properties: [IRProperty] = []
        for (propertyName, propertySchema) in rules.properties {
            var constant: String?
            if case .string(let stringRules) = propertySchema.kind { constant = stringRules.constant }
            let type = reference(for: propertySchema, propertyName: propertyName, parentPath: path, nested: &nested)
            properties.append(IRProperty(
                jsonName: propertyName, nameOverride: propertySchema.extensions.swiftName, type: type,
                required: rules.required.contains(propertyName), constant: constant,
                documentation: documentation(propertySchema),
                protocolRule: Self.protocolRule(propertySchema.extensions.protocolRule)))
        }
        let allowsAdditional: Bool
        if case .forbidden = rules.additional { allowsAdditional = false } else { allowsAdditional = true }
        return IRObject(
            name: name, definitionName: definition, documentation: documentation(schema), properties: properties,
            nested: nested, allowsAdditionalProperties: allowsAdditional)
    }

    /// The type of a value; inline objects and enums become nested declarations of the parent.
    private func reference(for schema: SchemaNode, propertyName: String, parentPath: [String], nested: inout [IRTypeDeclaration]) -> IRTypeReference {
        switch schema.kind {
        case .any, .null: return .any
        case .ref(let name): return .named([typeName(name)])
        case .boolean: return .boolean
        case .string: return .string
        case .integer: return .integer
        case .number: return .number
        case .array(let items, _, _):
            return .array(reference(for: items, propertyName: propertyName + "Item", parentPath: parentPath, nested: &nested))
        case .nullable(let inner):
            return .nullable(reference(for: inner, propertyName: propertyName, parentPath: parentPath, nested: &nested))
        case .enumeration(let values):
            let name = nestedName(propertyName, taken: nested)
            nested.append(.enumeration(IREnum(
                name: name, definitionName: nil, documentation: documentation(schema), values: values,
                isOpen: schema.extensions.openEnum)))
            return .named(parentPath + [name])
        case .object(let rules):
            if let value = rules.mapValue {
                return .map(reference(for: value, propertyName: propertyName + "Value", parentPath: parentPath, nested: &nested))
            }
            if rules.properties.isEmpty, rules.additional == .allowed { return .map(.any) }
            let name = nestedName(propertyName, taken: nested)
            nested.append(.object(object(named: name, definition: nil, schema, rules, path: parentPath)))
            return .named(parentPath + [name])
        }
    }

    /// UpperCamelCase of a property name, made unique among siblings and distinct from every
    /// top-level type (a nested type would otherwise shadow it inside its parent) and from the
    /// member names Swift reserves on every type (`Type`, `Protocol`, `Self`).
    private func nestedName(_ propertyName: String, taken: [IRTypeDeclaration]) -> String {
        var base = Self.upperCamelCase(propertyName)
        if typeNames.values.contains(base) || Self.reservedMemberTypeNames.contains(base) { base += "Value" }
        var candidate = base
        var counter = 2
        while taken.contains(where: { $0.name == candidate }) {
            candidate = base + String(counter)
            counter += 1
        }
        return candidate
    }

    /// Names a nested type may not take: `Foo.Type` and `Foo.Protocol` already mean the metatype.
    static let reservedMemberTypeNames: Set<String> = ["Type", "Protocol", "Self"]

    static func upperCamelCase(_ name: String) -> String {
        let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard let first = joined.first else { return "Value" }
        return first.isNumber ? "_" + joined : joined
    }

    // MARK: Validation schemas

    static func schema(_ node: SchemaNode) -> IRSchema {
        switch node.kind {
        case .any: return .any
        case .ref(let name): return .ref(name)
        case .null: return .null
        case .boolean: return .boolean
        case .string(let rules): return .string(minLength: rules.minLength, maxLength: rules.maxLength, constant: rules.constant)
        case .integer(let rules): return .integer(minimum: rules.minimum, maximum: rules.maximum)
        case .number(let rules): return .number(minimum: rules.minimum, maximum: rules.maximum)
        case .array(let items, let minItems, let maxItems):
            return .array(items: schema(items), minItems: minItems, maxItems: maxItems)
        case .object(let rules):
            let additional: IRSchema.Additional
            switch rules.additional {
            case .forbidden: additional = .forbidden
            case .allowed: additional = .allowed
            case .schema(let value): additional = .schema(schema(value))
            }
            return .object(
                properties: rules.properties.map {
                    IRSchemaProperty(name: $0.name, schema: schema($0.schema), protocolRule: protocolRule($0.schema.extensions.protocolRule))
                },
                required: rules.required, additional: additional)
        case .enumeration(let values): return .enumeration(values, open: node.extensions.openEnum)
        case .nullable(let inner): return .nullable(schema(inner))
        }
    }
}

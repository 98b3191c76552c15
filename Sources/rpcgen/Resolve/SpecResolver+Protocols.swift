/// The checks of the parts of the spec that span protocol versions and frames: `protocols`,
/// `x-protocol` rules, `errorDetails`, event subscriptions and `eventOrder`.
extension SpecResolver {
    /// The spec's versions, ascending.
    var allVersions: [Int] { spec.protocols.map(\.version) }

    /// The versions a method or event with this rule exists in.
    func versions(available rule: ProtocolRule?) -> [Int] {
        allVersions.filter { rule?.isAvailable(in: $0) ?? true }
    }

    mutating func checkProtocolVersions() {
        let known = allVersions
        if let upstream = spec.info.upstreamProtocol, !known.contains(upstream) {
            diagnostics.error(
                "info.upstream.protocol \(upstream) is not one of the spec's protocols (\(known.map(String.init).joined(separator: ", ")))",
                at: JSONPointer.root.appending("info").appending("upstream").appending("protocol"))
        }
        for method in spec.methods {
            checkVersions(of: method.protocolRule)
            let available = versions(available: method.protocolRule)
            if available.isEmpty { diagnostics.error("method '\(method.name)' exists in no protocol version", at: method.pointer) }
            for example in method.examples { checkExampleVersions(example.protocols, available, at: example.pointer) }
            for example in method.invalid { checkExampleVersions(example.protocols, available, at: example.pointer) }
        }
        for event in spec.events {
            checkVersions(of: event.protocolRule)
            if versions(available: event.protocolRule).isEmpty {
                diagnostics.error("event '\(event.name)' exists in no protocol version", at: event.pointer)
            }
        }
        for (_, schema) in spec.definitions { checkRules(in: schema, isProperty: false) }
        if let cancel = spec.frames.cancel {
            checkDefinitionRef(cancel)
            if case .object(let rules)? = definitions[cancel.name]?.kind {
                for property in ["type", "id"] where !rules.properties.contains(where: { $0.name == property }) {
                    diagnostics.error(
                        "frame definition '\(cancel.name)' lacks property '\(property)'", at: definitions[cancel.name]!.pointer,
                        hint: "a cancel frame is {\"type\": \"cancel\", \"id\": <request id>}")
                }
            } else if definitions[cancel.name] != nil {
                diagnostics.error("frame definition '\(cancel.name)' must be an object", at: cancel.pointer)
            }
        }
    }

    private mutating func checkVersions(of rule: ProtocolRule?) {
        guard let rule else { return }
        for (key, version) in rule.namedVersions where !allVersions.contains(version) {
            diagnostics.error(
                "protocol \(version) is not one of the spec's protocols (\(allVersions.map(String.init).joined(separator: ", ")))",
                at: rule.pointer.appending(key))
        }
    }

    private mutating func checkExampleVersions(_ versions: [Int]?, _ available: [Int], at pointer: JSONPointer) {
        for version in versions ?? [] where !available.contains(version) {
            diagnostics.error(
                "the example applies to protocol \(version), where its method does not exist", at: pointer.appending("protocols"),
                hint: "the method exists in protocols \(available.map(String.init).joined(separator: ", "))")
        }
    }

    /// `x-protocol` only on properties, with known versions, on optional properties, with
    /// `when` conditions on siblings that can take the value.
    private mutating func checkRules(in schema: SchemaNode, isProperty: Bool) {
        if schema.extensions.protocolRule != nil, !isProperty {
            diagnostics.error(
                "'x-protocol' applies to object properties (and to methods and events)", at: schema.pointer.appending("x-protocol"))
        }
        switch schema.kind {
        case .object(let rules):
            for (name, property) in rules.properties {
                if let rule = property.extensions.protocolRule { checkPropertyRule(rule, name, in: rules) }
                checkRules(in: property, isProperty: true)
            }
            if case .schema(let value) = rules.additional { checkRules(in: value, isProperty: false) }
        case .array(let items, _, _):
            checkRules(in: items, isProperty: false)
        case .nullable(let inner):
            checkRules(in: inner, isProperty: false)
        case .any, .ref, .null, .boolean, .string, .integer, .number, .enumeration:
            break
        }
    }

    private mutating func checkPropertyRule(_ rule: ProtocolRule, _ name: String, in object: SchemaNode.ObjectRules) {
        checkVersions(of: rule)
        let isRequired = object.required.contains(name)
        if isRequired, rule.requiredFrom != nil || rule.requiredUntil != nil {
            diagnostics.error(
                "'\(name)' is already required in every protocol; drop it from 'required' to require it in some", at: rule.pointer)
        }
        if isRequired, rule.from != nil || rule.until != nil {
            diagnostics.error("'\(name)' is required, so it cannot be absent from some protocols", at: rule.pointer)
        }
        let siblings = Dictionary(object.properties.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first })
        let validator = ExampleValidator(definitions: definitions)
        for (sibling, value) in rule.when.sorted(by: { $0.key < $1.key }) {
            let pointer = rule.pointer.appending("when").appending(sibling)
            guard let schema = siblings[sibling], sibling != name else {
                diagnostics.error(
                    "'when' names '\(sibling)', which is not a sibling property", at: pointer,
                    hint: NameSuggester.suggestion(for: sibling, among: siblings.keys.sorted()).map { "did you mean \($0)?" })
                continue
            }
            if let violation = validator.firstViolation(of: .string(value), against: schema) {
                diagnostics.error("'\(sibling)' can never be \(JSONTree.quote(value)): \(violation.message)", at: pointer)
            }
        }
    }

    mutating func checkErrorDetails() {
        let errorCodes = spec.errors.map(\.code)
        let closeCodes = spec.closeCodes.map(\.code)
        for detail in spec.errorDetails {
            checkNamed(detail.error, among: errorCodes, what: "error code")
            if let close = detail.closeCode, !closeCodes.contains(close) {
                diagnostics.error(
                    "close code \(close) is not one of the spec's close codes", at: detail.pointer.appending("closeCode"))
            }
        }
    }

    mutating func checkSubscriptions() {
        let methodNames = spec.methods.map(\.name)
        for event in spec.events {
            guard let subscription = event.subscription else { continue }
            checkNamed(subscription.subscribe, among: methodNames, what: "method")
            checkNamed(subscription.unsubscribe, among: methodNames, what: "method")
            guard let key = subscription.key else { continue }
            guard let property = payloadProperty(key, of: event) else {
                diagnostics.error(
                    "subscription key '\(key)' is not a property of \(event.payload.name)", at: subscription.pointer.appending("key"))
                continue
            }
            if case .string = resolved(property).kind {} else {
                diagnostics.error("subscription key '\(key)' must be a string property", at: subscription.pointer.appending("key"))
            }
            if !requiredProperties(of: event).contains(key) {
                diagnostics.error(
                    "subscription key '\(key)' must be required in \(event.payload.name): an event without it reaches nobody",
                    at: subscription.pointer.appending("key"))
            }
        }
    }

    /// Event-order rules name real events and methods, match on real payload members with
    /// values those members can take, and correlate on a property every event step carries.
    mutating func checkEventOrder() {
        let methodNames = spec.methods.map(\.name)
        let events = Dictionary(spec.events.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        for rule in spec.eventOrder {
            if !seen.insert(rule.name).inserted {
                diagnostics.error("event-order rule '\(rule.name)' is defined twice", at: rule.pointer.appending("name"))
            }
            for step in rule.steps {
                switch step {
                case .response(let method):
                    checkNamed(method, among: methodNames, what: "method")
                    if let params = spec.methods.first(where: { $0.name == method.name }).flatMap({ definitions[$0.params.name] }),
                       case .object(let object) = params.kind, !object.properties.contains(where: { $0.name == rule.correlate }) {
                        diagnostics.error(
                            "'\(method.name)' has no param '\(rule.correlate)' to name the run by", at: method.pointer,
                            hint: "the conformance suite sends the run's \(rule.correlate) with the request")
                    }
                case .event(let named, let match, let pointer):
                    guard let event = events[named.name] else {
                        checkNamed(named, among: spec.events.map(\.name), what: "event")
                        continue
                    }
                    if payloadProperty(rule.correlate, of: event) == nil {
                        diagnostics.error(
                            "event '\(event.name)' has no property '\(rule.correlate)' to correlate by", at: named.pointer)
                    }
                    for (path, value) in match {
                        checkMatch(path, value, in: event, at: pointer.appending("match").appending(path))
                    }
                }
            }
        }
    }

    /// A match pointer must lead through declared properties (or into open members) to a
    /// schema the value satisfies.
    private mutating func checkMatch(_ path: String, _ value: JSONTree, in event: ParsedSpec.Event, at pointer: JSONPointer) {
        var node = definition(event.payload.name)
        for token in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init) {
            let current = resolved(node)
            guard case .object(let rules) = current.kind else {
                if case .any = current.kind { return }  // an open value: anything may be below it
                diagnostics.error("'\(path)' goes below a non-object member of \(event.payload.name)", at: pointer)
                return
            }
            if let property = rules.properties.first(where: { $0.name == token })?.schema {
                node = property
            } else if case .schema(let value) = rules.additional {
                node = value
            } else if rules.additional == .allowed {
                return
            } else {
                diagnostics.error(
                    "'\(path)': \(event.payload.name) has no member '\(token)'", at: pointer,
                    hint: NameSuggester.suggestion(for: token, among: rules.properties.map(\.name)).map { "did you mean \($0)?" })
                return
            }
        }
        if let violation = ExampleValidator(definitions: definitions).firstViolation(of: value, against: node) {
            diagnostics.error("'\(path)' can never be \(value.compactText): \(violation.message)", at: pointer)
        }
    }

    private func resolved(_ node: SchemaNode) -> SchemaNode {
        var current = node
        for _ in 0..<32 {
            guard case .ref(let name) = current.kind, let target = definitions[name] else { return current }
            current = target
        }
        return current
    }

    private func payloadObject(of event: ParsedSpec.Event) -> SchemaNode.ObjectRules? {
        if case .object(let rules) = resolved(definition(event.payload.name)).kind { return rules }
        return nil
    }

    private func payloadProperty(_ name: String, of event: ParsedSpec.Event) -> SchemaNode? {
        payloadObject(of: event)?.properties.first { $0.name == name }?.schema
    }

    private func requiredProperties(of event: ParsedSpec.Event) -> [String] {
        payloadObject(of: event)?.required ?? []
    }
}

/// Reads schema nodes, accepting only the documented JSON-Schema subset.
struct SchemaParser {
    static let documentationKeywords: Set<String> = ["description", "title", "default", "examples"]
    static let extensionKeywords: Set<String> = ["x-swift-name", "x-open-enum", "x-deviation", "x-since", "x-protocol"]
    /// Keywords of JSON Schema this generator deliberately does not support, named so the
    /// error can say "unsupported" rather than "unknown".
    static let unsupportedKeywords: Set<String> = [
        "oneOf", "allOf", "not", "if", "then", "else", "pattern", "format", "dependencies",
        "dependentRequired", "dependentSchemas", "propertyNames", "contains", "uniqueItems",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties",
        "additionalItems", "unevaluatedProperties", "$id", "$schema", "definitions", "$defs",
        "discriminator", "nullable", "readOnly", "writeOnly", "contentEncoding", "contentMediaType",
    ]
    static let definitionPrefix = "#/definitions/"

    var diagnostics: DiagnosticCollector

    mutating func parse(_ tree: JSONTree, at pointer: JSONPointer) -> SchemaNode {
        var fallback = SchemaNode(pointer: pointer, kind: .any)
        guard let members = tree.objectValue else {
            diagnostics.error("a schema must be an object, found \(tree.typeName)", at: pointer)
            return fallback
        }
        fallback.description = members["description"]?.stringValue
        fallback.title = members["title"]?.stringValue
        fallback.defaultValue = members["default"]
        fallback.extensions = parseExtensions(members, at: pointer)

        for key in members.keys.sorted() {
            if Self.unsupportedKeywords.contains(key) {
                diagnostics.error(
                    "unsupported schema keyword '\(key)'", at: pointer.appending(key),
                    hint: "rpcgen supports the subset in docs/spec-format.md; express this with the keywords listed there")
            } else if key.hasPrefix("x-"), !Self.extensionKeywords.contains(key) {
                diagnostics.error(
                    "unknown extension keyword '\(key)'", at: pointer.appending(key),
                    hint: NameSuggester.suggestion(for: key, among: Self.extensionKeywords.sorted())
                        .map { "did you mean \($0)?" } ?? "known: \(Self.extensionKeywords.sorted().joined(separator: ", "))")
            }
        }

        var node = fallback
        node.kind = parseKind(members, at: pointer)
        return node
    }

    private mutating func parseExtensions(_ members: [String: JSONTree], at pointer: JSONPointer) -> SchemaNode.Extensions {
        var extensions = SchemaNode.Extensions()
        if let value = members["x-swift-name"] {
            if let name = value.stringValue, SwiftIdentifier.isValid(name) {
                extensions.swiftName = name
            } else {
                diagnostics.error("'x-swift-name' must be a valid Swift identifier", at: pointer.appending("x-swift-name"))
            }
        }
        if let value = members["x-open-enum"] {
            if let flag = value.boolValue { extensions.openEnum = flag } else {
                diagnostics.error("'x-open-enum' must be a boolean", at: pointer.appending("x-open-enum"))
            }
        }
        if let value = members["x-protocol"] {
            extensions.protocolRule = ProtocolRule.parse(
                value, at: pointer.appending("x-protocol"), allowRequirements: true, diagnostics: &diagnostics)
        }
        for key in ["x-deviation", "x-since"] {
            guard let value = members[key] else { continue }
            if let text = value.stringValue, !text.isEmpty {
                if key == "x-deviation" { extensions.deviation = text } else { extensions.since = text }
            } else {
                diagnostics.error("'\(key)' must be a non-empty string", at: pointer.appending(key))
            }
        }
        return extensions
    }

    private mutating func parseKind(_ members: [String: JSONTree], at pointer: JSONPointer) -> SchemaNode.Kind {
        let structural = members.keys.filter {
            !Self.documentationKeywords.contains($0) && !$0.hasPrefix("x-") && !Self.unsupportedKeywords.contains($0)
        }
        if let ref = members["$ref"] {
            return parseRef(ref, others: structural.filter { $0 != "$ref" }, at: pointer)
        }
        if let anyOf = members["anyOf"] {
            return parseAnyOf(anyOf, others: structural.filter { $0 != "anyOf" }, at: pointer.appending("anyOf"), node: pointer)
        }
        if structural.isEmpty { return .any }
        guard let typeTree = members["type"] else {
            diagnostics.error(
                "schema has \(structural.sorted().map { "'\($0)'" }.joined(separator: ", ")) but no 'type'", at: pointer,
                hint: "add \"type\", or use {} for any JSON value")
            return .any
        }
        guard let type = typeTree.stringValue else {
            diagnostics.error(
                "'type' must be a single string", at: pointer.appending("type"),
                hint: "for 'X or null' write \"anyOf\": [{\"type\": \"X\"}, {\"type\": \"null\"}]")
            return .any
        }
        var allowed: Set<String> = ["type"]
        let kind: SchemaNode.Kind
        switch type {
        case "null":
            kind = .null
        case "boolean":
            kind = .boolean
        case "string":
            allowed.formUnion(["minLength", "maxLength", "const", "enum"])
            kind = parseString(members, at: pointer)
        case "integer", "number":
            allowed.formUnion(["minimum", "maximum"])
            let rules = parseNumberRules(members, at: pointer, integer: type == "integer")
            kind = type == "integer" ? .integer(rules) : .number(rules)
        case "array":
            allowed.formUnion(["items", "minItems", "maxItems"])
            kind = parseArray(members, at: pointer)
        case "object":
            allowed.formUnion(["properties", "required", "additionalProperties", "patternProperties"])
            kind = parseObject(members, at: pointer)
        default:
            diagnostics.error(
                "unknown type '\(type)'", at: pointer.appending("type"),
                hint: NameSuggester.suggestion(
                    for: type, among: ["null", "boolean", "string", "integer", "number", "array", "object"]
                ).map { "did you mean \($0)?" })
            return .any
        }
        for key in structural.sorted() where !allowed.contains(key) {
            diagnostics.error("keyword '\(key)' does not apply to type '\(type)'", at: pointer.appending(key))
        }
        return kind
    }

    private mutating func parseRef(_ ref: JSONTree, others: [String], at pointer: JSONPointer) -> SchemaNode.Kind {
        if !others.isEmpty {
            diagnostics.error(
                "'$ref' cannot be combined with \(others.sorted().map { "'\($0)'" }.joined(separator: ", "))", at: pointer,
                hint: "only 'description' and x- keywords may stand beside '$ref'")
        }
        guard let text = ref.stringValue, text.hasPrefix(Self.definitionPrefix), text.count > Self.definitionPrefix.count else {
            diagnostics.error("'$ref' must be a string of the form '#/definitions/Name'", at: pointer.appending("$ref"))
            return .any
        }
        return .ref(String(text.dropFirst(Self.definitionPrefix.count)))
    }

    private mutating func parseAnyOf(_ tree: JSONTree, others: [String], at pointer: JSONPointer, node: JSONPointer) -> SchemaNode.Kind {
        if !others.isEmpty {
            diagnostics.error(
                "'anyOf' cannot be combined with \(others.sorted().map { "'\($0)'" }.joined(separator: ", "))", at: node)
        }
        guard let branches = tree.arrayValue, !branches.isEmpty else {
            diagnostics.error("'anyOf' must be a non-empty array", at: pointer)
            return .any
        }
        // Shape 1: every branch a string const → an enumeration.
        let constants = branches.compactMap { branch -> String? in
            guard let members = branch.objectValue, let value = members["const"]?.stringValue else { return nil }
            let rest = Set(members.keys).subtracting(["const", "type", "description", "title"])
            guard rest.isEmpty, members["type"].map({ $0 == .string("string") }) ?? true else { return nil }
            return value
        }
        if constants.count == branches.count {
            if Set(constants).count != constants.count {
                diagnostics.error("'anyOf' lists the same constant twice", at: pointer)
            }
            return .enumeration(constants)
        }
        // Shape 2: one schema plus {"type": "null"} → nullable.
        let isNull = { (branch: JSONTree) in branch.objectValue?["type"] == .string("null") && branch.objectValue?.count == 1 }
        let nullIndex = branches.firstIndex(where: isNull)
        if branches.count == 2, let nullIndex {
            let valueIndex = 1 - nullIndex
            let value = parse(branches[valueIndex], at: pointer.appending(valueIndex))
            if case .nullable = value.kind {
                diagnostics.error("nested nullable schema", at: pointer.appending(valueIndex))
            }
            return .nullable(value)
        }
        // Shape 3: string constants plus null → nullable enumeration.
        if nullIndex != nil, constants.count == branches.count - 1 {
            let enumNode = SchemaNode(pointer: pointer, kind: .enumeration(constants))
            return .nullable(enumNode)
        }
        diagnostics.error(
            "unsupported 'anyOf' shape", at: pointer,
            hint: "rpcgen supports anyOf of string consts (an enum) or of one schema plus {\"type\": \"null\"}")
        return .any
    }

    private mutating func parseString(_ members: [String: JSONTree], at pointer: JSONPointer) -> SchemaNode.Kind {
        var rules = SchemaNode.StringRules()
        rules.minLength = nonNegativeInteger(members, "minLength", at: pointer)
        rules.maxLength = nonNegativeInteger(members, "maxLength", at: pointer)
        if let minimum = rules.minLength, let maximum = rules.maxLength, minimum > maximum {
            diagnostics.error("minLength \(minimum) is greater than maxLength \(maximum)", at: pointer)
        }
        if let constant = members["const"] {
            if let value = constant.stringValue { rules.constant = value } else {
                diagnostics.error("'const' must be a string", at: pointer.appending("const"))
            }
        }
        if let values = members["enum"] {
            let strings = values.arrayValue?.compactMap(\.stringValue) ?? []
            guard let array = values.arrayValue, !array.isEmpty, strings.count == array.count else {
                diagnostics.error("'enum' must be a non-empty array of strings", at: pointer.appending("enum"))
                return .string(rules)
            }
            if Set(strings).count != strings.count {
                diagnostics.error("'enum' lists the same value twice", at: pointer.appending("enum"))
            }
            return .enumeration(strings)
        }
        return .string(rules)
    }

    private mutating func parseNumberRules(_ members: [String: JSONTree], at pointer: JSONPointer, integer: Bool) -> SchemaNode.NumberRules {
        var rules = SchemaNode.NumberRules()
        for key in ["minimum", "maximum"] {
            guard let value = members[key] else { continue }
            guard let number = value.numberValue else {
                diagnostics.error("'\(key)' must be a number", at: pointer.appending(key))
                continue
            }
            if key == "minimum" { rules.minimum = number } else { rules.maximum = number }
        }
        if let minimum = rules.minimum, let maximum = rules.maximum, minimum > maximum {
            diagnostics.error(
                "minimum \(JSONTree.format(minimum)) is greater than maximum \(JSONTree.format(maximum))", at: pointer)
        }
        return rules
    }

    private mutating func parseArray(_ members: [String: JSONTree], at pointer: JSONPointer) -> SchemaNode.Kind {
        let items: SchemaNode
        if let tree = members["items"] {
            if tree.arrayValue != nil {
                diagnostics.error(
                    "tuple 'items' (an array of schemas) is not supported", at: pointer.appending("items"),
                    hint: "give a single schema for all items")
                items = SchemaNode(pointer: pointer.appending("items"), kind: .any)
            } else {
                items = parse(tree, at: pointer.appending("items"))
            }
        } else {
            items = SchemaNode(pointer: pointer.appending("items"), kind: .any)
        }
        let minItems = nonNegativeInteger(members, "minItems", at: pointer)
        let maxItems = nonNegativeInteger(members, "maxItems", at: pointer)
        if let minimum = minItems, let maximum = maxItems, minimum > maximum {
            diagnostics.error("minItems \(minimum) is greater than maxItems \(maximum)", at: pointer)
        }
        return .array(items: items, minItems: minItems, maxItems: maxItems)
    }

    private mutating func parseObject(_ members: [String: JSONTree], at pointer: JSONPointer) -> SchemaNode.Kind {
        var properties: [(name: String, schema: SchemaNode)] = []
        if let tree = members["properties"] {
            if let object = tree.objectValue {
                for name in object.keys.sorted() {
                    properties.append((name, parse(object[name]!, at: pointer.appending("properties").appending(name))))
                }
            } else {
                diagnostics.error("'properties' must be an object", at: pointer.appending("properties"))
            }
        }
        var required: [String] = []
        if let tree = members["required"] {
            let names = tree.arrayValue?.compactMap(\.stringValue)
            if let names, names.count == tree.arrayValue?.count {
                required = names
                let declared = properties.map(\.name)
                for (index, name) in names.enumerated() where !declared.contains(name) {
                    diagnostics.error(
                        "required property '\(name)' is not declared in 'properties'",
                        at: pointer.appending("required").appending(index),
                        hint: NameSuggester.suggestion(for: name, among: declared).map { "did you mean \($0)?" })
                }
                if Set(names).count != names.count {
                    diagnostics.error("'required' lists a property twice", at: pointer.appending("required"))
                }
            } else {
                diagnostics.error("'required' must be an array of strings", at: pointer.appending("required"))
            }
        }
        var additional = SchemaNode.ObjectRules.Additional.allowed
        if let tree = members["additionalProperties"] {
            switch tree {
            case .bool(let allowed): additional = allowed ? .allowed : .forbidden
            case .object: additional = .schema(parse(tree, at: pointer.appending("additionalProperties")))
            default:
                diagnostics.error("'additionalProperties' must be a boolean or a schema", at: pointer.appending("additionalProperties"))
            }
        }
        if let tree = members["patternProperties"] {
            let patternPointer = pointer.appending("patternProperties")
            if let object = tree.objectValue, object.count == 1, let value = object["^(.*)$"] {
                if members["additionalProperties"] != nil || !properties.isEmpty {
                    diagnostics.error(
                        "'patternProperties' cannot be combined with 'properties' or 'additionalProperties'", at: patternPointer)
                }
                additional = .schema(parse(value, at: patternPointer.appending("^(.*)$")))
            } else {
                diagnostics.error(
                    "unsupported 'patternProperties'", at: patternPointer,
                    hint: "only the single pattern \"^(.*)$\" (a string-keyed map) is supported")
            }
        }
        if case .schema = additional, !properties.isEmpty {
            diagnostics.error(
                "an object with 'properties' cannot also constrain additional properties with a schema", at: pointer,
                hint: "use additionalProperties true or false")
        }
        return .object(.init(properties: properties, required: required, additional: additional))
    }

    private mutating func nonNegativeInteger(_ members: [String: JSONTree], _ key: String, at pointer: JSONPointer) -> Int? {
        guard let value = members[key] else { return nil }
        guard let integer = value.integerValue, integer >= 0 else {
            diagnostics.error("'\(key)' must be a non-negative integer", at: pointer.appending(key))
            return nil
        }
        return integer
    }
}

/// Renders `Schemas.swift`: every definition's validation schema as a Swift value, and the
/// validator that resolves references between them.
enum SwiftSchemaTableRenderer {
    static func render(_ spec: IRSpec) -> String {
        var writer = CodeWriter()
        writer.lines(SwiftTypesRenderer.header)
        writer.line(SwiftTypesRenderer.runtimeImport)
        writer.line()
        writer.line("/// The validation schema of every definition in the spec, by definition name.")
        writer.block("public enum SchemaTable") { writer in
            writer.line("/// The schema of the definition `name`, or nil.")
            writer.block("public static func definition(named name: String) -> Schema?") { writer in
                writer.block("switch name") { writer in
                    for schema in spec.schemas {
                        writer.line("case \(SwiftIdentifier.literal(schema.name)): \(member(schema.name))")
                    }
                    writer.line("default: nil")
                }
            }
            for schema in spec.schemas {
                writer.line()
                writer.line("public static let \(member(schema.name)): Schema =")
                writer.indented { writer in
                    writer.lines(literal(schema.schema))
                }
            }
        }
        writer.line()
        writer.block("extension SchemaValidator") { writer in
            writer.line("/// Validates against the spec's definitions.")
            writer.line("public static let spec = SchemaValidator(resolve: SchemaTable.definition(named:))")
        }
        return writer.text
    }

    static func member(_ definitionName: String) -> String {
        SwiftIdentifier.member(definitionName)
    }

    /// The schema as a Swift expression; objects span several lines for readable diffs.
    static func literal(_ schema: IRSchema, level: Int = 0) -> String {
        switch schema {
        case .any: return ".any"
        case .ref(let name): return ".ref(\(SwiftIdentifier.literal(name)))"
        case .null: return ".null"
        case .boolean: return ".boolean"
        case .string(let minLength, let maxLength, let constant):
            return ".string(minLength: \(optional(minLength)), maxLength: \(optional(maxLength)), constant: \(constant.map(SwiftIdentifier.literal) ?? "nil"))"
        case .integer(let minimum, let maximum):
            return ".integer(minimum: \(optional(minimum)), maximum: \(optional(maximum)))"
        case .number(let minimum, let maximum):
            return ".number(minimum: \(optional(minimum)), maximum: \(optional(maximum)))"
        case .array(let items, let minItems, let maxItems):
            return ".array(items: \(literal(items, level: level)), minItems: \(optional(minItems)), maxItems: \(optional(maxItems)))"
        case .enumeration(let values, let open):
            return ".enumeration([\(values.map(SwiftIdentifier.literal).joined(separator: ", "))], open: \(open))"
        case .nullable(let inner):
            return ".nullable(\(literal(inner, level: level)))"
        case .object(let properties, let required, let additional):
            let indent = String(repeating: "    ", count: level + 1)
            let closing = String(repeating: "    ", count: level)
            let members = properties.isEmpty
                ? "[:]"
                : "[\n" + properties.map { "\(indent)    \(SwiftIdentifier.literal($0.name)): \(literal($0.schema, level: level + 1)),\n" }.joined()
                    + "\(indent)]"
            let additionalText: String
            switch additional {
            case .forbidden: additionalText = ".forbidden"
            case .allowed: additionalText = ".allowed"
            case .schema(let value): additionalText = ".schema(\(literal(value, level: level + 1)))"
            }
            let requiredText = "[\(required.map(SwiftIdentifier.literal).joined(separator: ", "))]"
            let rules = properties.compactMap { property in property.protocolRule.map { (property.name, $0) } }
            let rulesText = rules.isEmpty ? "" : ",\n\(indent)protocolRules: [\n"
                + rules.map { "\(indent)    \(SwiftIdentifier.literal($0.0)): \(ruleLiteral($0.1)),\n" }.joined() + "\(indent)]"
            return ".object(\n\(indent)properties: \(members),\n\(indent)required: \(requiredText),\n\(indent)additional: \(additionalText)\(rulesText)\n\(closing))"
        }
    }

    /// A `ProtocolRule(…)` expression naming only what the rule sets.
    static func ruleLiteral(_ rule: IRProtocolRule) -> String {
        var arguments: [String] = []
        if let from = rule.from { arguments.append("from: \(from)") }
        if let until = rule.until { arguments.append("until: \(until)") }
        if let from = rule.requiredFrom { arguments.append("requiredFrom: \(from)") }
        if let until = rule.requiredUntil { arguments.append("requiredUntil: \(until)") }
        if !rule.when.isEmpty {
            let pairs = rule.when.map { "\(SwiftIdentifier.literal($0.property)): \(SwiftIdentifier.literal($0.value))" }
            arguments.append("when: [\(pairs.joined(separator: ", "))]")
        }
        return "ProtocolRule(\(arguments.joined(separator: ", ")))"
    }

    private static func optional(_ value: Int?) -> String {
        value.map(String.init) ?? "nil"
    }

    private static func optional(_ value: Double?) -> String {
        value.map(JSONTree.format) ?? "nil"
    }
}

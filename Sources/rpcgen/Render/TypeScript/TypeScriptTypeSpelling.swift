/// How IR types are spelled in TypeScript declarations.
enum TypeScriptTypeSpelling {
    /// A type reference: declared types by their dotted path (`ConnectParams.Client`, a type in
    /// the namespace merged with interface `ConnectParams`), JSON scalars as `string`, `number`,
    /// `boolean`, any JSON value as `unknown`.
    static func spelling(_ reference: IRTypeReference) -> String {
        switch reference {
        case .named(let path): path.joined(separator: ".")
        case .string: "string"
        case .integer, .number: "number"
        case .boolean: "boolean"
        case .any: "unknown"
        case .array(let element): arrayElement(element) + "[]"
        case .map(let value): "Record<string, \(spelling(value))>"
        case .nullable(let wrapped): spelling(wrapped) + " | null"
        }
    }

    private static func arrayElement(_ reference: IRTypeReference) -> String {
        if case .nullable = reference { return "(\(spelling(reference)))" }
        return spelling(reference)
    }

    /// The doc paragraphs of a documented declaration or member.
    static func paragraphs(_ documentation: IRDocumentation, rule: IRProtocolRule? = nil, integer: Bool = false) -> [String] {
        var paragraphs: [String] = []
        if let summary = documentation.summary { paragraphs.append(summary) }
        if let rule, case let text = MarkdownRenderer.ruleText(rule), !text.isEmpty {
            paragraphs.append("Protocol: " + text.replacingOccurrences(of: "`", with: "") + ".")
        }
        if integer { paragraphs.append("An integer.") }
        if let value = documentation.defaultValue { paragraphs.append("@defaultValue `\(value)`") }
        if let since = documentation.since { paragraphs.append("@since OpenClaw \(since)") }
        if documentation.deviation != nil { paragraphs.append("Differs from the OpenClaw reference schema (see docs/protocol.md).") }
        return paragraphs
    }

    static func isInteger(_ reference: IRTypeReference) -> Bool {
        switch reference {
        case .integer: true
        case .nullable(let wrapped): isInteger(wrapped)
        default: false
        }
    }
}

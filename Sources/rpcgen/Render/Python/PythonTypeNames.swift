/// Python names of the spec's declared types. Python has no namespaces to nest a type in, so a
/// nested type's path is joined (`ConnectParams.Client` → `ConnectParamsClient`); where a joined
/// name would collide with another type's, the path is joined with `_` instead.
struct PythonTypeNames {
    private var names: [[String]: String] = [:]

    init(_ spec: IRSpec) {
        var paths: [[String]] = []
        func collect(_ declaration: IRTypeDeclaration, parent: [String]) {
            let path = parent + [declaration.name]
            paths.append(path)
            if case .object(let object) = declaration {
                for nested in object.nested { collect(nested, parent: path) }
            }
        }
        for declaration in spec.types { collect(declaration, parent: []) }
        var counts: [String: Int] = [:]
        for path in paths { counts[path.joined(), default: 0] += 1 }
        for path in paths {
            let joined = path.joined()
            names[path] = counts[joined, default: 0] > 1 && path.count > 1 ? path.joined(separator: "_") : joined
        }
    }

    /// The Python name of the type at `path`.
    func name(_ path: [String]) -> String {
        names[path] ?? path.joined(separator: "_")
    }

    /// A type annotation. `quoted`: declared types as string forward references (for
    /// expressions Python evaluates at import time: aliases and functional `TypedDict`s).
    func spelling(_ reference: IRTypeReference, quoted: Bool) -> String {
        switch reference {
        case .named(let path): quoted ? "\"\(name(path))\"" : name(path)
        case .string: "str"
        case .integer: "int"
        case .number: "float"
        case .boolean: "bool"
        case .any: "Any"
        case .array(let element): "List[\(spelling(element, quoted: quoted))]"
        case .map(let value): "Dict[str, \(spelling(value, quoted: quoted))]"
        case .nullable(let wrapped): "Optional[\(spelling(wrapped, quoted: quoted))]"
        }
    }

    /// The docstring paragraphs of a documented declaration or member.
    static func paragraphs(_ documentation: IRDocumentation, rule: IRProtocolRule? = nil) -> [String] {
        var paragraphs: [String] = []
        if let summary = documentation.summary { paragraphs.append(summary) }
        if let rule, case let text = MarkdownRenderer.ruleText(rule), !text.isEmpty {
            paragraphs.append("Protocol: " + text.replacingOccurrences(of: "`", with: "") + ".")
        }
        if let value = documentation.defaultValue { paragraphs.append("Default: `\(value)`.") }
        if let since = documentation.since { paragraphs.append("Since OpenClaw \(since).") }
        if documentation.deviation != nil { paragraphs.append("Differs from the OpenClaw reference schema (see docs/protocol.md).") }
        return paragraphs
    }
}

/// `types.d.ts`: every named type of the spec as a TypeScript declaration, plus the maps from
/// method name to params/result and from event name to payload that the client's generics use.
enum TypeScriptDeclarations {
    static func render(_ spec: IRSpec) -> String {
        var out = CodeWriter(indentUnit: "  ")
        out.lines(TypeScriptRenderer.header)
        out.line()
        out.lines(TypeScriptIdentifier.docComment(["Types of \(spec.title), protocol versions \(versionRange(spec))."]).joined(separator: "\n"))
        out.line()
        out.line("/** A protocol version this client can speak. */")
        out.line("export type ProtocolVersion = " + spec.allProtocols.map(String.init).joined(separator: " | ") + ";")
        out.line()
        out.line("/** `error.code` of a failed response. */")
        out.line("export type ErrorCode = " + union(spec.errors.map(\.code), open: true) + ";")
        out.line()
        out.line("/** `error.details.code` of a failed response: what exactly went wrong. */")
        out.line("export type ErrorDetailCode = " + union(spec.errorDetails.map(\.code), open: true) + ";")
        for declaration in spec.types {
            out.line()
            write(declaration, into: &out, ambient: false)
        }
        out.line()
        out.line("/** Every method's params and result, by method name. */")
        out.block("export interface MethodTypes") { out in
            for method in spec.methods.sorted(by: { $0.name < $1.name }) {
                out.line("\(TypeScriptIdentifier.literal(method.name)): { params: \(method.paramsType); result: \(method.resultType) };")
            }
        }
        out.line()
        out.line("/** Every event's payload, by event name. */")
        out.block("export interface EventPayloads") { out in
            for event in spec.events.sorted(by: { $0.name < $1.name }) {
                out.line("\(TypeScriptIdentifier.literal(event.name)): \(event.payloadType);")
            }
        }
        return out.text
    }

    static func versionRange(_ spec: IRSpec) -> String {
        let versions = spec.allProtocols
        guard let first = versions.first, let last = versions.last, first != last else { return "\(versions.first ?? 0)" }
        return "\(first)–\(last)"
    }

    static func union(_ values: [String], open: Bool) -> String {
        guard !values.isEmpty else { return "string" }
        return values.map(TypeScriptIdentifier.literal).joined(separator: " | ") + (open ? " | (string & {})" : "")
    }

    private static func comment(_ paragraphs: [String], into out: inout CodeWriter) {
        for line in TypeScriptIdentifier.docComment(paragraphs) { out.line(line) }
    }

    /// `ambient`: inside a `declare namespace` (where `declare` must not be repeated).
    private static func write(_ declaration: IRTypeDeclaration, into out: inout CodeWriter, ambient: Bool) {
        let exported = "export "
        switch declaration {
        case .object(let object):
            var paragraphs = TypeScriptTypeSpelling.paragraphs(object.documentation)
            if object.allowsAdditionalProperties { paragraphs.append("Unknown members are tolerated.") }
            comment(paragraphs, into: &out)
            if object.properties.isEmpty {
                out.line("\(exported)interface \(object.name) {}")
            } else {
                out.block("\(exported)interface \(object.name)") { out in
                    for property in object.properties {
                        comment(
                            TypeScriptTypeSpelling.paragraphs(
                                property.documentation, rule: property.protocolRule,
                                integer: TypeScriptTypeSpelling.isInteger(property.type)),
                            into: &out)
                        let type = property.constant.map(TypeScriptIdentifier.literal) ?? TypeScriptTypeSpelling.spelling(property.type)
                        let optional = property.required && property.protocolRule?.limitsAvailability != true ? "" : "?"
                        out.line("\(TypeScriptIdentifier.propertyKey(property.jsonName))\(optional): \(type);")
                    }
                }
            }
            if !object.nested.isEmpty {
                out.block("\(exported)\(ambient ? "" : "declare ")namespace \(object.name)") { out in
                    for (index, nested) in object.nested.enumerated() {
                        if index > 0 { out.line() }
                        write(nested, into: &out, ambient: true)
                    }
                }
            }
        case .enumeration(let enumeration):
            comment(TypeScriptTypeSpelling.paragraphs(enumeration.documentation), into: &out)
            out.line("\(exported)type \(enumeration.name) = \(union(enumeration.values, open: enumeration.isOpen));")
        case .alias(let alias):
            comment(TypeScriptTypeSpelling.paragraphs(alias.documentation), into: &out)
            out.line("\(exported)type \(alias.name) = \(TypeScriptTypeSpelling.spelling(alias.target));")
        }
    }
}

/// `types.py`: every named type of the spec as a `TypedDict` (objects), a `Literal` union
/// (enums) or an alias, with the spec's summaries as docstrings, plus the maps from method name
/// to params/result and from event name to payload. JSON objects stay plain `dict`s at run time.
/// Annotations are evaluated (no `from __future__ import annotations`, declared types as quoted
/// forward references): a stringified `NotRequired[…]` would make every key required at run time
/// (`__required_keys__`).
enum PythonTypesModule {
    static func render(_ spec: IRSpec) -> String {
        let names = PythonTypeNames(spec)
        var out = CodeWriter()
        out.lines(PythonRenderer.header)
        for line in PythonIdentifier.docstring([
            "Types of \(spec.title), protocol versions \(TypeScriptDeclarations.versionRange(spec)).",
            "Objects are `TypedDict`s: plain JSON objects on the wire and in Python (write them as dict literals); "
                + "enums are `Literal` unions (an open enum also admits any other string).",
        ]) { out.line(line) }
        out.line()
        out.line("from typing import Any, Dict, List, Literal, NotRequired, Optional, Tuple, TypedDict, Union")
        out.line()
        out.line("ProtocolVersion = Literal[" + spec.allProtocols.map(String.init).joined(separator: ", ") + "]")
        out.line("\"\"\"A protocol version this client can speak.\"\"\"")
        out.line()
        out.line("ErrorCode = " + union(spec.errors.map(\.code), open: true))
        out.line("\"\"\"`error.code` of a failed response.\"\"\"")
        out.line()
        out.line("ErrorDetailCode = " + union(spec.errorDetails.map(\.code), open: true))
        out.line("\"\"\"`error.details.code` of a failed response: what exactly went wrong.\"\"\"")
        for declaration in spec.types {
            write(declaration, parent: [], names: names, into: &out)
        }
        out.line()
        out.line()
        out.line("METHOD_TYPES: Dict[str, Tuple[Any, Any]] = {")
        out.indented { out in
            for method in spec.methods.sorted(by: { $0.name < $1.name }) {
                let params = names.name([method.paramsType]), result = names.name([method.resultType])
                out.line("\(PythonIdentifier.literal(method.name)): (\(params), \(result)),")
            }
        }
        out.line("}")
        out.line("\"\"\"Every method's params and result types, by method name.\"\"\"")
        out.line()
        out.line("EVENT_PAYLOADS: Dict[str, Any] = {")
        out.indented { out in
            for event in spec.events.sorted(by: { $0.name < $1.name }) {
                out.line("\(PythonIdentifier.literal(event.name)): \(names.name([event.payloadType])),")
            }
        }
        out.line("}")
        out.line("\"\"\"Every event's payload type, by event name.\"\"\"")
        return out.text
    }

    /// `Literal["a", "b"]`; an open enum also admits any string.
    static func union(_ values: [String], open: Bool) -> String {
        guard !values.isEmpty else { return "str" }
        let literal = "Literal[" + values.map(PythonIdentifier.literal).joined(separator: ", ") + "]"
        return open ? "Union[\(literal), str]" : literal
    }

    private static func docstring(_ paragraphs: [String], into out: inout CodeWriter) {
        for line in PythonIdentifier.docstring(paragraphs) { out.line(line) }
    }

    private static func write(_ declaration: IRTypeDeclaration, parent: [String], names: PythonTypeNames, into out: inout CodeWriter) {
        let path = parent + [declaration.name]
        let name = names.name(path)
        out.line()
        out.line()
        switch declaration {
        case .object(let object):
            var paragraphs = PythonTypeNames.paragraphs(object.documentation)
            if object.allowsAdditionalProperties { paragraphs.append("Unknown members are tolerated.") }
            if object.properties.allSatisfy({ PythonIdentifier.isPlainIdentifier($0.jsonName) }) {
                writeClass(object, name: name, paragraphs: paragraphs, names: names, into: &out)
            } else {
                writeFunctional(object, name: name, paragraphs: paragraphs, names: names, into: &out)
            }
            for nested in object.nested { write(nested, parent: path, names: names, into: &out) }
        case .enumeration(let enumeration):
            out.line("\(name) = \(union(enumeration.values, open: enumeration.isOpen))")
            docstring(PythonTypeNames.paragraphs(enumeration.documentation), into: &out)
        case .alias(let alias):
            out.line("\(name) = \(names.spelling(alias.target, quoted: true))")
            docstring(PythonTypeNames.paragraphs(alias.documentation), into: &out)
        }
    }

    /// The annotation of a member: `NotRequired[…]` unless the member is always present.
    private static func annotation(_ property: IRProperty, names: PythonTypeNames, quoted: Bool) -> String {
        let type = property.constant.map { "Literal[\(PythonIdentifier.literal($0))]" } ?? names.spelling(property.type, quoted: quoted)
        let required = property.required && property.protocolRule?.limitsAvailability != true
        return required ? type : "NotRequired[\(type)]"
    }

    private static func memberParagraphs(_ property: IRProperty) -> [String] {
        PythonTypeNames.paragraphs(property.documentation, rule: property.protocolRule)
    }

    private static func writeClass(
        _ object: IRObject, name: String, paragraphs: [String], names: PythonTypeNames, into out: inout CodeWriter
    ) {
        out.line("class \(name)(TypedDict):")
        out.indented { out in
            docstring(paragraphs, into: &out)
            if object.properties.isEmpty {
                if paragraphs.isEmpty { out.line("pass") }
                return
            }
            if !paragraphs.isEmpty { out.line() }
            for property in object.properties {
                out.line("\(property.jsonName): \(annotation(property, names: names, quoted: true))")
                docstring(memberParagraphs(property), into: &out)
            }
        }
    }

    /// The functional form, for members whose JSON names are not Python identifiers (`in`, `a-b`).
    private static func writeFunctional(
        _ object: IRObject, name: String, paragraphs: [String], names: PythonTypeNames, into out: inout CodeWriter
    ) {
        out.line("\(name) = TypedDict(")
        out.indented { out in
            out.line("\(PythonIdentifier.literal(name)),")
            out.line("{")
            out.indented { out in
                for property in object.properties {
                    for line in PythonIdentifier.comment(memberParagraphs(property)) { out.line(line) }
                    out.line("\(PythonIdentifier.literal(property.jsonName)): \(annotation(property, names: names, quoted: true)),")
                }
            }
            out.line("},")
        }
        out.line(")")
        var lines = PythonIdentifier.docstring(paragraphs)
        if !lines.isEmpty {
            lines[0] = "\(name).__doc__ = " + lines[0]
            for line in lines { out.line(line) }
        }
    }
}

/// How IR types and members are spelled in Swift; shared by the Swift renderers.
enum SwiftTypeSpelling {
    static func type(_ reference: IRTypeReference) -> String {
        switch reference {
        case .named(let path): path.joined(separator: ".")
        case .string: "String"
        case .integer: "Int"
        case .number: "Double"
        case .boolean: "Bool"
        case .any: "JSONValue"
        case .array(let element): "[\(type(element))]"
        case .map(let value): "[String: \(type(value))]"
        case .nullable(let wrapped): "Nullable<\(type(wrapped))>"
        }
    }

    /// The declared type of a property: optional unless required.
    static func propertyType(_ property: IRProperty) -> String {
        property.required ? type(property.type) : type(property.type) + "?"
    }

    /// The `ErrorCode` case of an UPPER_SNAKE error code (`INVALID_REQUEST` → `invalidRequest`).
    static func errorCase(_ code: String) -> String {
        SwiftIdentifier.member(code.lowercased())
    }

    static func propertyName(_ property: IRProperty) -> String {
        property.nameOverride.map(SwiftIdentifier.escaped) ?? SwiftIdentifier.member(property.jsonName)
    }

    /// A call of the memberwise initializer of `object` with the given arguments, keyed by
    /// JSON property name; labels come out in declaration order, as Swift requires.
    static func initializerCall(_ object: IRObject, arguments: [String: String]) -> String {
        let labels = object.properties.compactMap { property -> String? in
            guard let value = arguments[property.jsonName] else { return nil }
            return "\(SwiftIdentifier.bare(propertyName(property))): \(value)"
        }
        return "\(object.name)(\(labels.joined(separator: ", ")))"
    }

    /// `///` comment lines for a declaration.
    static func documentation(_ documentation: IRDocumentation, fallback: String? = nil) -> [String] {
        var lines: [String] = []
        if let summary = documentation.summary ?? fallback {
            lines += summary.split(separator: "\n", omittingEmptySubsequences: false).map { "/// \($0)".trimmingTrailingSpaces }
        }
        if let defaultValue = documentation.defaultValue { lines.append("/// Default: `\(defaultValue)`.") }
        if let since = documentation.since { lines.append("/// - Note: Newer than the reference schema (OpenClaw \(since)).") }
        if let deviation = documentation.deviation { lines.append("/// - Note: Deviation from OpenClaw: \(deviation)") }
        return lines
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

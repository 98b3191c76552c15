/// Which generated types change with the protocol version a value is sent in, and the Swift
/// that adapts them: `adapted(to:)` drops members the version lacks (`x-protocol` `from` /
/// `until`), adapts nested values, and drops an optional member that misses what the version
/// requires of it (`requiredFrom` / `requiredUntil`); `satisfiesProtocolRequirements(in:)`
/// says whether a value has every member a version requires.
struct SwiftAdaptation {
    /// Every object type by its path (`HelloOk.Auth`).
    private(set) var objects: [String: IRObject] = [:]
    /// Types whose `adapted(to:)` can change a value.
    private(set) var adaptable: Set<String> = []
    /// Types with members some version requires.
    private(set) var constrained: Set<String> = []

    init(_ spec: IRSpec) {
        for declaration in spec.types { collect(declaration, parent: []) }
        constrained = Set(objects.filter { $0.value.properties.contains { $0.protocolRule?.isRequirement == true } }.keys)
        // A type adapts when a member limits its versions, or a member's type adapts, or an
        // optional member's type has requirements (it may be dropped); iterate to a fixpoint.
        var changed = true
        while changed {
            changed = false
            for (path, object) in objects where !adaptable.contains(path) {
                let changes = object.properties.contains { property in
                    property.protocolRule?.limitsAvailability == true || adapts(property.type)
                        || (!property.required && dropsWhenIncomplete(property.type))
                }
                if changes {
                    adaptable.insert(path)
                    changed = true
                }
            }
        }
    }

    private mutating func collect(_ declaration: IRTypeDeclaration, parent: [String]) {
        guard case .object(let object) = declaration else { return }
        let path = parent + [object.name]
        objects[path.joined(separator: ".")] = object
        for nested in object.nested { collect(nested, parent: path) }
    }

    /// Whether values of this type change with the version.
    func adapts(_ type: IRTypeReference) -> Bool {
        switch type {
        case .named(let path): adaptable.contains(path.joined(separator: "."))
        case .array(let inner), .map(let inner), .nullable(let inner): adapts(inner)
        case .string, .integer, .number, .boolean, .any: false
        }
    }

    private func dropsWhenIncomplete(_ type: IRTypeReference) -> Bool {
        if case .named(let path) = type { return constrained.contains(path.joined(separator: ".")) }
        return false
    }

    func isAdaptable(_ typeName: String) -> Bool { adaptable.contains(typeName) }

    /// `expression` adapted to `version`, or nil when values of `type` never change.
    func adaptedExpression(_ expression: String, _ type: IRTypeReference) -> String? {
        switch type {
        case .named:
            return adapts(type) ? "\(expression).adapted(to: version)" : nil
        case .array(let inner):
            return adaptedExpression("$0", inner).map { "\(expression).map { \($0) }" }
        case .map(let inner):
            return adaptedExpression("$0", inner).map { "\(expression).mapValues { \($0) }" }
        case .nullable(let inner):
            return adaptedExpression("$0", inner).map { "\(expression).map { \($0) }" }
        case .string, .integer, .number, .boolean, .any:
            return nil
        }
    }

    /// `adapted(to:)` of an adaptable object.
    func writeAdapted(_ object: IRObject, path: String, into writer: inout CodeWriter) {
        writer.line("/// This value as a peer speaking `version` reads it: members that version lacks are dropped,")
        writer.line("/// nested values are adapted, and an optional member missing what the version requires of it")
        writer.line("/// is dropped.")
        writer.block("public func adapted(to version: ProtocolVersion) -> \(object.name)") { writer in
            writer.line("var value = self")
            for property in object.properties {
                let name = SwiftIdentifier.bare(SwiftTypeSpelling.propertyName(property))
                if let rule = property.protocolRule, rule.limitsAvailability {
                    writer.line("if !(\(Self.condition(from: rule.from, until: rule.until))) { value.\(name) = nil }")
                }
                let adapted = adaptedExpression("member", property.type)
                let drops = !property.required && dropsWhenIncomplete(property.type)
                guard adapted != nil || drops else { continue }
                if property.required {
                    writer.line("value.\(name) = \(adaptedExpression("value.\(name)", property.type) ?? "value.\(name)")")
                } else if drops {
                    writer.block("if let member = value.\(name)") { writer in
                        writer.line("let adapted = \(adapted ?? "member")")
                        writer.line("value.\(name) = adapted.satisfiesProtocolRequirements(in: version) ? adapted : nil")
                    }
                } else if let adapted {
                    writer.line("if let member = value.\(name) { value.\(name) = \(adapted) }")
                }
            }
            writer.line("return value")
        }
    }

    /// `satisfiesProtocolRequirements(in:)` of an object with version requirements.
    func writeRequirements(_ object: IRObject, into writer: inout CodeWriter) {
        writer.line("/// Whether every member `version` requires (given the other members) is present.")
        writer.block("public func satisfiesProtocolRequirements(in version: ProtocolVersion) -> Bool") { writer in
            for property in object.properties {
                guard let rule = property.protocolRule, rule.isRequirement else { continue }
                let name = SwiftIdentifier.bare(SwiftTypeSpelling.propertyName(property))
                var conditions = [Self.condition(from: rule.requiredFrom, until: rule.requiredUntil)]
                for condition in rule.when {
                    guard let sibling = object.properties.first(where: { $0.jsonName == condition.property }) else { continue }
                    conditions.append("\(Self.stringValue(of: sibling)) == \(SwiftIdentifier.literal(condition.value))")
                }
                conditions.append("self.\(name) == nil")
                writer.line("if \(conditions.joined(separator: ", ")) { return false }")
            }
            writer.line("return true")
        }
    }

    /// `version.rawValue >= from && version.rawValue <= until` for the bounds that are set.
    static func condition(from: Int?, until: Int?) -> String {
        let parts = [from.map { "version.rawValue >= \($0)" }, until.map { "version.rawValue <= \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "true" : parts.joined(separator: " && ")
    }

    /// The string a `when` condition compares: the raw value of an enum member, else the string.
    private static func stringValue(of property: IRProperty) -> String {
        let name = "self." + SwiftIdentifier.bare(SwiftTypeSpelling.propertyName(property))
        let optional = property.required ? "" : "?"
        if case .named = property.type { return "\(name)\(optional).rawValue" }
        return name
    }
}

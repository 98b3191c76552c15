/// Checks a JSON value against a schema node at generation time, so a wrong example is a
/// spec error with a pointer instead of a failing test later. Same rules as the generated
/// runtime validator. With a `protocolVersion`, the `x-protocol` rules of properties apply too.
struct ExampleValidator {
    let definitions: [String: SchemaNode]
    var protocolVersion: Int?

    /// The first violation as (path inside the value, message), or nil when the value conforms.
    func firstViolation(of value: JSONTree, against schema: SchemaNode, path: String = "") -> (path: String, message: String)? {
        let at = path.isEmpty ? "/" : path
        switch schema.kind {
        case .any:
            return nil
        case .ref(let name):
            guard let target = definitions[name] else { return (at, "unresolved reference \(name)") }
            return firstViolation(of: value, against: target, path: path)
        case .null:
            return value == .null ? nil : (at, "must be null")
        case .boolean:
            return value.boolValue == nil ? (at, "must be boolean") : nil
        case .string(let rules):
            guard let string = value.stringValue else { return (at, "must be string") }
            let length = string.unicodeScalars.count
            if let minimum = rules.minLength, length < minimum { return (at, "must NOT have fewer than \(minimum) characters") }
            if let maximum = rules.maxLength, length > maximum { return (at, "must NOT have more than \(maximum) characters") }
            if let constant = rules.constant, string != constant { return (at, "must be equal to constant \"\(constant)\"") }
            return nil
        case .integer(let rules):
            guard let number = value.numberValue, number.rounded() == number else { return (at, "must be integer") }
            return bounds(number, rules, at)
        case .number(let rules):
            guard let number = value.numberValue else { return (at, "must be number") }
            return bounds(number, rules, at)
        case .enumeration(let values):
            guard let string = value.stringValue else { return (at, "must be string") }
            if schema.extensions.openEnum || values.contains(string) { return nil }
            return (at, "must be equal to one of the allowed values: \(values.joined(separator: ", "))")
        case .nullable(let inner):
            return value == .null ? nil : firstViolation(of: value, against: inner, path: path)
        case .array(let items, let minItems, let maxItems):
            guard let array = value.arrayValue else { return (at, "must be array") }
            if let minimum = minItems, array.count < minimum { return (at, "must NOT have fewer than \(minimum) items") }
            if let maximum = maxItems, array.count > maximum { return (at, "must NOT have more than \(maximum) items") }
            for (index, item) in array.enumerated() {
                if let violation = firstViolation(of: item, against: items, path: path + "/\(index)") { return violation }
            }
            return nil
        case .object(let rules):
            guard let members = value.objectValue else { return (at, "must be object") }
            for name in rules.required where members[name] == nil {
                return (at, "must have required property '\(name)'")
            }
            if let version = protocolVersion, let violation = versionViolation(members, rules, version, at) { return violation }
            let declared = Dictionary(uniqueKeysWithValues: rules.properties.map { ($0.name, $0.schema) })
            for key in members.keys.sorted() {
                let memberPath = path + "/" + key
                if let propertySchema = declared[key] {
                    if let violation = firstViolation(of: members[key]!, against: propertySchema, path: memberPath) { return violation }
                    continue
                }
                switch rules.additional {
                case .allowed: continue
                case .forbidden: return (at, "must NOT have additional properties ('\(key)')")
                case .schema(let valueSchema):
                    if let violation = firstViolation(of: members[key]!, against: valueSchema, path: memberPath) { return violation }
                }
            }
            return nil
        }
    }

    /// A property present where its protocol lacks it, or absent where its protocol requires it.
    private func versionViolation(
        _ members: [String: JSONTree], _ rules: SchemaNode.ObjectRules, _ version: Int, _ at: String
    ) -> (path: String, message: String)? {
        for (name, schema) in rules.properties {
            guard let rule = schema.extensions.protocolRule else { continue }
            if members[name] != nil, !rule.isAvailable(in: version) {
                return (at, "must NOT have property '\(name)' in protocol \(version)")
            }
            let applies = rule.when.allSatisfy { sibling, value in members[sibling]?.stringValue == value }
            if members[name] == nil, rule.isRequired(in: version), applies {
                return (at, "must have required property '\(name)' in protocol \(version)")
            }
        }
        return nil
    }

    private func bounds(_ number: Double, _ rules: SchemaNode.NumberRules, _ at: String) -> (path: String, message: String)? {
        if let minimum = rules.minimum, number < minimum { return (at, "must be >= \(JSONTree.format(minimum))") }
        if let maximum = rules.maximum, number > maximum { return (at, "must be <= \(JSONTree.format(maximum))") }
        return nil
    }
}

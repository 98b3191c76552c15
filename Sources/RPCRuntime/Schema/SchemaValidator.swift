import Foundation

/// Validates JSON values against schemas, resolving `$ref`s through `resolve`.
public struct SchemaValidator: Sendable {
    private let resolve: @Sendable (String) -> Schema?

    public init(resolve: @escaping @Sendable (String) -> Schema?) {
        self.resolve = resolve
    }

    /// The first violation, or nil when `value` conforms to `schema`. With a `protocol`
    /// version, properties' `x-protocol` rules apply too: a property that version lacks is a
    /// violation, and so is a missing property that version requires.
    public func firstViolation(of value: JSONValue, against schema: Schema, protocol version: Int? = nil) -> SchemaViolation? {
        var path: [PathStep] = []
        return check(value, schema, version, &path)
    }

    /// Where the check is: kept raw and spelled as a JSON pointer only for a violation, so
    /// valid values (nearly all of them) cost no string work per member.
    private enum PathStep {
        case member(String)
        case index(Int)

        /// RFC 6901: `~` and `/` in a member name are escaped.
        var pointerToken: String {
            switch self {
            case .index(let index): String(index)
            case .member(let name) where name.contains(where: { $0 == "~" || $0 == "/" }):
                name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            case .member(let name): name
            }
        }
    }

    private func violation(_ path: [PathStep], _ message: String) -> SchemaViolation {
        SchemaViolation(path: path.isEmpty ? "/" : "/" + path.map(\.pointerToken).joined(separator: "/"), message: message)
    }

    private func check(_ value: JSONValue, _ schema: Schema, _ version: Int?, _ path: inout [PathStep]) -> SchemaViolation? {
        switch schema {
        case .any:
            return nil
        case .ref(let name):
            guard let target = resolve(name) else { return violation(path, "unknown schema \(name)") }
            return check(value, target, version, &path)
        case .null:
            return value == .null ? nil : violation(path, "must be null")
        case .boolean:
            return value.boolValue == nil ? violation(path, "must be boolean") : nil
        case .string(let minLength, let maxLength, let constant):
            guard let string = value.stringValue else { return violation(path, "must be string") }
            let length = string.unicodeScalars.count
            if let minLength, length < minLength { return violation(path, "must NOT have fewer than \(minLength) characters") }
            if let maxLength, length > maxLength { return violation(path, "must NOT have more than \(maxLength) characters") }
            if let constant, string != constant { return violation(path, "must be equal to constant \"\(constant)\"") }
            return nil
        case .integer(let minimum, let maximum):
            guard let number = value.doubleValue, number.rounded() == number else { return violation(path, "must be integer") }
            if case .number(let double) = value, Int(exactly: double) == nil {
                return violation(path, "must be a 64-bit integer")
            }
            return bounds(number, minimum, maximum, path)
        case .number(let minimum, let maximum):
            guard let number = value.doubleValue else { return violation(path, "must be number") }
            return bounds(number, minimum, maximum, path)
        case .enumeration(let values, let open):
            guard let string = value.stringValue else { return violation(path, "must be string") }
            if open || values.contains(string) { return nil }
            return violation(path, "must be equal to one of the allowed values: \(values.joined(separator: ", "))")
        case .nullable(let inner):
            return value == .null ? nil : check(value, inner, version, &path)
        case .array(let items, let minItems, let maxItems):
            guard let array = value.arrayValue else { return violation(path, "must be array") }
            if let minItems, array.count < minItems { return violation(path, "must NOT have fewer than \(minItems) items") }
            if let maxItems, array.count > maxItems { return violation(path, "must NOT have more than \(maxItems) items") }
            for (index, item) in array.enumerated() {
                path.append(.index(index))
                defer { path.removeLast() }
                if let found = check(item, items, version, &path) { return found }
            }
            return nil
        case .object(let properties, let required, let additional, let rules):
            guard let members = value.objectValue else { return violation(path, "must be object") }
            for name in required where members[name] == nil {
                return violation(path, "must have required property '\(name)'")
            }
            if let version {
                for name in rules.keys.sorted() {
                    guard let rule = rules[name] else { continue }
                    if members[name] != nil, !rule.isAvailable(in: version) {
                        return violation(path, "must NOT have property '\(name)' in protocol \(version)")
                    }
                    if members[name] == nil, rule.isRequired(in: version, siblings: members) {
                        return violation(path, "must have required property '\(name)' in protocol \(version)")
                    }
                }
            }
            // Nearly every value is valid: members are checked in storage order, and only when
            // one fails are they checked again in sorted order, so the violation reported is the
            // same on every run.
            let allValid = members.allSatisfy { key, member in
                check(member: key, member, properties, additional, version, &path) == nil
            }
            if allValid { return nil }
            for key in members.keys.sorted() {
                if let found = check(member: key, members[key] ?? .null, properties, additional, version, &path) { return found }
            }
            return nil
        }
    }

    private func check(
        member key: String, _ member: JSONValue, _ properties: [String: Schema], _ additional: Schema.Additional, _ version: Int?,
        _ path: inout [PathStep]
    ) -> SchemaViolation? {
        let memberSchema: Schema
        if let declared = properties[key] {
            memberSchema = declared
        } else {
            switch additional {
            case .allowed: return nil
            case .forbidden: return violation(path, "must NOT have additional properties ('\(key)')")
            case .schema(let valueSchema): memberSchema = valueSchema
            }
        }
        path.append(.member(key))
        defer { path.removeLast() }
        return check(member, memberSchema, version, &path)
    }

    private func bounds(_ number: Double, _ minimum: Double?, _ maximum: Double?, _ path: [PathStep]) -> SchemaViolation? {
        if let minimum, number < minimum { return violation(path, "must be >= \(Self.format(minimum))") }
        if let maximum, number > maximum { return violation(path, "must be <= \(Self.format(maximum))") }
        return nil
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 9.0e15 ? String(Int(value)) : String(value)
    }
}

/// One schema of the supported JSON-Schema subset (see docs/spec-format.md), with the
/// pointer it was read from.
struct SchemaNode: Equatable, Sendable {
    indirect enum Kind: Equatable, Sendable {
        /// `{}`: any JSON value.
        case any
        /// `$ref` to a definition, by name.
        case ref(String)
        case null
        case boolean
        case string(StringRules)
        case integer(NumberRules)
        case number(NumberRules)
        case array(items: SchemaNode, minItems: Int?, maxItems: Int?)
        case object(ObjectRules)
        /// A closed (or, with `x-open-enum`, open) set of string values.
        case enumeration([String])
        /// `anyOf: [schema, {type: null}]`.
        case nullable(SchemaNode)
    }

    struct StringRules: Equatable, Sendable {
        var minLength: Int?
        var maxLength: Int?
        var constant: String?
    }

    struct NumberRules: Equatable, Sendable {
        var minimum: Double?
        var maximum: Double?
    }

    struct ObjectRules: Equatable, Sendable {
        enum Additional: Equatable, Sendable {
            case forbidden
            case allowed
            case schema(SchemaNode)
        }

        /// Properties sorted by name.
        var properties: [(name: String, schema: SchemaNode)]
        var required: [String]
        var additional: Additional

        /// An object with no declared properties whose values all follow one schema.
        var mapValue: SchemaNode? {
            guard properties.isEmpty, case .schema(let value) = additional else { return nil }
            return value
        }

        static func == (lhs: ObjectRules, rhs: ObjectRules) -> Bool {
            lhs.required == rhs.required && lhs.additional == rhs.additional
                && lhs.properties.map(\.name) == rhs.properties.map(\.name)
                && lhs.properties.map(\.schema) == rhs.properties.map(\.schema)
        }
    }

    /// The `x-` extension keywords the generator understands.
    struct Extensions: Equatable, Sendable {
        var swiftName: String?
        var openEnum = false
        var deviation: String?
        var since: String?
        /// `x-protocol`: the versions the property exists in or is required in.
        var protocolRule: ProtocolRule?
    }

    var pointer: JSONPointer
    var kind: Kind
    var title: String?
    var description: String?
    var defaultValue: JSONTree?
    var extensions = Extensions()
}

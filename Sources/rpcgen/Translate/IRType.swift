/// A reference to a type from a property, array item, map value or method.
indirect enum IRTypeReference: Sendable, Equatable {
    /// A declared type, by its path of names (`["ConnectParams", "Client"]`).
    case named([String])
    case string
    case integer
    case number
    case boolean
    /// Any JSON value.
    case any
    case array(IRTypeReference)
    /// A string-keyed map.
    case map(IRTypeReference)
    /// Absent, `null` or a value: a field whose `null` means something.
    case nullable(IRTypeReference)
}

/// A type the renderers declare.
indirect enum IRTypeDeclaration: Sendable, Equatable {
    case object(IRObject)
    case enumeration(IREnum)
    case alias(IRAlias)

    var name: String {
        switch self {
        case .object(let object): object.name
        case .enumeration(let enumeration): enumeration.name
        case .alias(let alias): alias.name
        }
    }
}

struct IRObject: Sendable, Equatable {
    var name: String
    /// The definition name when this is a top-level definition.
    var definitionName: String?
    var documentation: IRDocumentation
    var properties: [IRProperty]
    var nested: [IRTypeDeclaration]
    /// Whether unknown members are tolerated (and dropped) when decoding.
    var allowsAdditionalProperties: Bool
}

struct IRProperty: Sendable, Equatable {
    /// The name on the wire.
    var jsonName: String
    /// A renderer-specific name override (`x-swift-name`).
    var nameOverride: String?
    var type: IRTypeReference
    var required: Bool
    /// A fixed value (`const`); the property defaults to it.
    var constant: String?
    var documentation: IRDocumentation
    /// Where the property exists or is required, by protocol version.
    var protocolRule: IRProtocolRule?
}

/// `x-protocol` of a property, method or event.
struct IRProtocolRule: Sendable, Equatable {
    var from: Int?
    var until: Int?
    var requiredFrom: Int?
    var requiredUntil: Int?
    /// Sibling property → value, sorted by property.
    var when: [IRCondition]

    var isRequirement: Bool { requiredFrom != nil || requiredUntil != nil }
    var limitsAvailability: Bool { from != nil || until != nil }

    func isAvailable(in version: Int) -> Bool {
        (from.map { version >= $0 } ?? true) && (until.map { version <= $0 } ?? true)
    }

    func isRequired(in version: Int) -> Bool {
        isRequirement && (requiredFrom.map { version >= $0 } ?? true) && (requiredUntil.map { version <= $0 } ?? true)
    }
}

struct IRCondition: Sendable, Equatable {
    var property: String
    var value: String
}

struct IREnum: Sendable, Equatable {
    var name: String
    var definitionName: String?
    var documentation: IRDocumentation
    var values: [String]
    /// Unknown values are accepted and preserved.
    var isOpen: Bool
}

struct IRAlias: Sendable, Equatable {
    var name: String
    var definitionName: String
    var documentation: IRDocumentation
    var target: IRTypeReference
}

struct IRDocumentation: Sendable, Equatable {
    var summary: String?
    var deviation: String?
    var since: String?
    /// The default value as compact JSON, when the schema documents one.
    var defaultValue: String?

    static let none = IRDocumentation()
}

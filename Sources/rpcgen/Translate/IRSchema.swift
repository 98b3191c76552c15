/// A validation schema, language-neutral: what the generated validators check at run time.
indirect enum IRSchema: Sendable, Equatable {
    enum Additional: Sendable, Equatable {
        case forbidden
        case allowed
        case schema(IRSchema)
    }

    case any
    /// A definition, by its JSON name.
    case ref(String)
    case null
    case boolean
    case string(minLength: Int?, maxLength: Int?, constant: String?)
    case integer(minimum: Double?, maximum: Double?)
    case number(minimum: Double?, maximum: Double?)
    case array(items: IRSchema, minItems: Int?, maxItems: Int?)
    case object(properties: [IRSchemaProperty], required: [String], additional: Additional)
    case enumeration([String], open: Bool)
    case nullable(IRSchema)
}

struct IRSchemaProperty: Sendable, Equatable {
    var name: String
    var schema: IRSchema
    var protocolRule: IRProtocolRule?
}

struct IRNamedSchema: Sendable, Equatable {
    var name: String
    var schema: IRSchema
}

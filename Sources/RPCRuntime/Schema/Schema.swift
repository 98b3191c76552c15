/// A validation schema from the spec (the documented JSON-Schema subset).
public indirect enum Schema: Sendable {
    public indirect enum Additional: Sendable {
        case forbidden
        case allowed
        case schema(Schema)
    }

    case any
    /// A definition of the spec, by name.
    case ref(String)
    case null
    case boolean
    case string(minLength: Int?, maxLength: Int?, constant: String?)
    case integer(minimum: Double?, maximum: Double?)
    case number(minimum: Double?, maximum: Double?)
    case array(items: Schema, minItems: Int?, maxItems: Int?)
    /// `protocolRules`: the `x-protocol` rules of properties, by property name.
    case object(properties: [String: Schema], required: [String], additional: Additional, protocolRules: [String: ProtocolRule] = [:])
    case enumeration([String], open: Bool)
    case nullable(Schema)
}

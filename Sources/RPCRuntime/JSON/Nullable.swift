/// A field whose `null` means something ("clear this"), distinct from the field being absent
/// (an optional `Nullable` that is `nil`).
public enum Nullable<Wrapped: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    case null
    case value(Wrapped)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Wrapped.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .value(let value): try container.encode(value)
        }
    }

    /// The value, or nil when it is `null`.
    public var wrapped: Wrapped? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// `null` stays `null`; a value is transformed.
    public func map<Other>(_ transform: (Wrapped) throws -> Other) rethrows -> Nullable<Other> {
        switch self {
        case .null: .null
        case .value(let value): .value(try transform(value))
        }
    }
}

/// A property's `x-protocol`: the protocol versions it exists in and those it is required in.
public struct ProtocolRule: Sendable, Equatable {
    public var from: Int?
    public var until: Int?
    public var requiredFrom: Int?
    public var requiredUntil: Int?
    /// The requirement applies only when these sibling properties have these string values.
    public var when: [String: String]

    public init(from: Int? = nil, until: Int? = nil, requiredFrom: Int? = nil, requiredUntil: Int? = nil, when: [String: String] = [:]) {
        self.from = from
        self.until = until
        self.requiredFrom = requiredFrom
        self.requiredUntil = requiredUntil
        self.when = when
    }

    /// Whether the property exists in protocol `version`.
    public func isAvailable(in version: Int) -> Bool {
        (from.map { version >= $0 } ?? true) && (until.map { version <= $0 } ?? true)
    }

    /// Whether the property must be present in protocol `version`, given its siblings.
    public func isRequired(in version: Int, siblings: [String: JSONValue]) -> Bool {
        guard requiredFrom != nil || requiredUntil != nil else { return false }
        guard (requiredFrom.map { version >= $0 } ?? true), (requiredUntil.map { version <= $0 } ?? true) else { return false }
        return when.allSatisfy { siblings[$0.key]?.stringValue == $0.value }
    }
}

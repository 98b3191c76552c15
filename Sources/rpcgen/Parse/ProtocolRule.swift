/// `x-protocol`: in which protocol versions a property, method or event exists, and in which a
/// property is required (see docs/spec-format.md, "Protocol versions").
///
/// `from`/`until` bound where the node exists at all; `requiredFrom`/`requiredUntil` make an
/// optional property required in a range of versions, optionally only `when` sibling
/// properties have given values (`deltaText` is required from protocol 4 when `state` is
/// `delta`).
struct ProtocolRule: Equatable, Sendable {
    var from: Int?
    var until: Int?
    var requiredFrom: Int?
    var requiredUntil: Int?
    /// Sibling property name → the string value it must have for the requirement to apply.
    var when: [String: String] = [:]
    /// Where the rule was read.
    var pointer: JSONPointer

    /// Whether the node exists in protocol `version`.
    func isAvailable(in version: Int) -> Bool {
        (from.map { version >= $0 } ?? true) && (until.map { version <= $0 } ?? true)
    }

    /// Whether the property is required in `version` when its `when` conditions hold.
    func isRequired(in version: Int) -> Bool {
        guard requiredFrom != nil || requiredUntil != nil else { return false }
        return (requiredFrom.map { version >= $0 } ?? true) && (requiredUntil.map { version <= $0 } ?? true)
    }

    /// Every version the rule names, with the key that names it.
    var namedVersions: [(key: String, version: Int)] {
        [("from", from), ("until", until), ("requiredFrom", requiredFrom), ("requiredUntil", requiredUntil)]
            .compactMap { key, value in value.map { (key, $0) } }
    }

    /// Reads an `x-protocol` object; `allowRequirements` is false on methods and events, which
    /// only exist or not.
    static func parse(
        _ tree: JSONTree, at pointer: JSONPointer, allowRequirements: Bool, diagnostics: inout DiagnosticCollector
    ) -> ProtocolRule? {
        guard var reader = ObjectReader(tree, at: pointer, what: "'x-protocol'", diagnostics: &diagnostics) else { return nil }
        var rule = ProtocolRule(pointer: pointer)
        let keys = allowRequirements ? ["from", "until", "requiredFrom", "requiredUntil"] : ["from", "until"]
        for key in keys {
            guard let value = reader.integer(key, required: false, &diagnostics) else { continue }
            guard value >= 1 else {
                diagnostics.error("'\(key)' must be a protocol version (an integer ≥ 1)", at: pointer.appending(key))
                continue
            }
            switch key {
            case "from": rule.from = value
            case "until": rule.until = value
            case "requiredFrom": rule.requiredFrom = value
            default: rule.requiredUntil = value
            }
        }
        if allowRequirements, let conditions = reader.object("when", required: false, &diagnostics) {
            for name in conditions.members.keys.sorted() {
                if let value = conditions.members[name]?.stringValue {
                    rule.when[name] = value
                } else {
                    diagnostics.error("a 'when' condition must be a string value", at: conditions.pointer.appending(name))
                }
            }
            if rule.when.isEmpty { diagnostics.error("'when' must name at least one sibling property", at: conditions.pointer) }
            if rule.requiredFrom == nil, rule.requiredUntil == nil {
                diagnostics.error("'when' qualifies a requirement; add 'requiredFrom' or 'requiredUntil'", at: conditions.pointer)
            }
        }
        reader.reportUnknownKeys(&diagnostics)
        if rule.namedVersions.isEmpty {
            diagnostics.error("'x-protocol' must name at least one of: \(keys.joined(separator: ", "))", at: pointer)
            return nil
        }
        if let from = rule.from, let until = rule.until, from > until {
            diagnostics.error("'from' \(from) is after 'until' \(until)", at: pointer)
        }
        if let from = rule.requiredFrom, let until = rule.requiredUntil, from > until {
            diagnostics.error("'requiredFrom' \(from) is after 'requiredUntil' \(until)", at: pointer)
        }
        return rule
    }
}

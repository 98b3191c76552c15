/// Reads the members of one JSON object of the spec, reporting missing, mistyped and
/// unknown keys against its pointer.
struct ObjectReader {
    let members: [String: JSONTree]
    let pointer: JSONPointer
    private var consumed: Set<String> = []

    init?(_ tree: JSONTree, at pointer: JSONPointer, what: String, diagnostics: inout DiagnosticCollector) {
        guard let members = tree.objectValue else {
            diagnostics.error("\(what) must be an object, found \(tree.typeName)", at: pointer)
            return nil
        }
        self.members = members
        self.pointer = pointer
    }

    func has(_ key: String) -> Bool { members[key] != nil }

    mutating func value(_ key: String) -> JSONTree? {
        consumed.insert(key)
        return members[key]
    }

    mutating func string(_ key: String, required: Bool, _ diagnostics: inout DiagnosticCollector) -> String? {
        guard let value = value(key) else {
            if required { diagnostics.error("missing required key '\(key)'", at: pointer) }
            return nil
        }
        guard let string = value.stringValue else {
            diagnostics.error("'\(key)' must be a string, found \(value.typeName)", at: pointer.appending(key))
            return nil
        }
        return string
    }

    mutating func integer(_ key: String, required: Bool, _ diagnostics: inout DiagnosticCollector) -> Int? {
        guard let value = value(key) else {
            if required { diagnostics.error("missing required key '\(key)'", at: pointer) }
            return nil
        }
        guard let integer = value.integerValue else {
            diagnostics.error("'\(key)' must be an integer, found \(value.typeName)", at: pointer.appending(key))
            return nil
        }
        return integer
    }

    mutating func number(_ key: String, _ diagnostics: inout DiagnosticCollector) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.numberValue else {
            diagnostics.error("'\(key)' must be a number, found \(value.typeName)", at: pointer.appending(key))
            return nil
        }
        return number
    }

    mutating func bool(_ key: String, required: Bool, _ diagnostics: inout DiagnosticCollector) -> Bool? {
        guard let value = value(key) else {
            if required { diagnostics.error("missing required key '\(key)'", at: pointer) }
            return nil
        }
        guard let bool = value.boolValue else {
            diagnostics.error("'\(key)' must be a boolean, found \(value.typeName)", at: pointer.appending(key))
            return nil
        }
        return bool
    }

    mutating func object(_ key: String, required: Bool, _ diagnostics: inout DiagnosticCollector) -> ObjectReader? {
        guard let value = value(key) else {
            if required { diagnostics.error("missing required key '\(key)'", at: pointer) }
            return nil
        }
        return ObjectReader(value, at: pointer.appending(key), what: "'\(key)'", diagnostics: &diagnostics)
    }

    mutating func array(_ key: String, required: Bool, _ diagnostics: inout DiagnosticCollector) -> [JSONTree]? {
        guard let value = value(key) else {
            if required { diagnostics.error("missing required key '\(key)'", at: pointer) }
            return nil
        }
        guard let array = value.arrayValue else {
            diagnostics.error("'\(key)' must be an array, found \(value.typeName)", at: pointer.appending(key))
            return nil
        }
        return array
    }

    /// Reports every key that no reader asked for: an unknown key is an error, never ignored.
    func reportUnknownKeys(_ diagnostics: inout DiagnosticCollector, allowed: Set<String> = []) {
        for key in members.keys.sorted() where !consumed.contains(key) && !allowed.contains(key) {
            let known = consumed.union(allowed).sorted()
            diagnostics.error(
                "unknown key '\(key)'", at: pointer.appending(key),
                hint: NameSuggester.suggestion(for: key, among: known).map { "did you mean \($0)?" }
                    ?? (known.isEmpty ? nil : "expected one of: \(known.joined(separator: ", "))"))
        }
    }
}

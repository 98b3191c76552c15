/// The spec after every reference and name was checked: safe to translate.
struct ResolvedSpec: Sendable {
    var parsed: ParsedSpec
    var definitions: [String: SchemaNode]

    func definition(_ name: String) -> SchemaNode {
        // The resolver guarantees every referenced name exists.
        definitions[name] ?? SchemaNode(pointer: .root, kind: .any)
    }
}

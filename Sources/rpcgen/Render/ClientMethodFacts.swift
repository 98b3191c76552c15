/// What every generated client (TypeScript, Python, Swift) documents about one RPC method, and
/// whether it may be called without params: one source, so the clients say the same thing.
enum ClientMethodFacts {
    /// The summary, then the scope, the protocols when not all, the events it emits, its errors
    /// and, with `since` spelling it for the language, the OpenClaw release that added it.
    static func paragraphs(_ method: IRMethod, spec: IRSpec, since: (String) -> String) -> [String] {
        var paragraphs = [method.summary]
        paragraphs.append("Scope: " + (method.scope.map { "`\($0)`" } ?? "none") + ".")
        if method.protocols != spec.allProtocols {
            paragraphs.append("Only in protocol " + method.protocols.map(String.init).joined(separator: ", ") + ".")
        }
        if !method.emits.isEmpty { paragraphs.append("Emits: " + method.emits.map { "`\($0)`" }.joined(separator: ", ") + ".") }
        if !method.errors.isEmpty { paragraphs.append("Errors: " + method.errors.map { "`\($0)`" }.joined(separator: ", ") + ".") }
        if let release = method.since { paragraphs.append(since(release)) }
        return paragraphs
    }

    /// Whether the params object has no required member, so the method may be called without
    /// params. With `constantsFilled`, a required member with a constant value does not count
    /// (the Swift types' initialisers fill it in).
    static func paramsAreOptional(_ method: IRMethod, _ spec: IRSpec, constantsFilled: Bool = false) -> Bool {
        guard case .object(let object)? = spec.types.first(where: { $0.name == method.paramsType }) else { return false }
        return !object.properties.contains { $0.required && !(constantsFilled && $0.constant != nil) }
    }
}

/// `KubeclawClient+Methods.swift`: one method per RPC (all but `connect`, which the runtime
/// sends), typed by the `GeneratedProtocol` params and result types.
enum SwiftClientMethods {
    static func render(_ spec: IRSpec) -> String {
        var out = CodeWriter()
        out.line(SwiftClientRenderer.header)
        out.line()
        out.line("import GatewayClient")
        out.line("import GeneratedProtocol")
        out.line()
        out.block("extension KubeclawClient") { out in
            for (index, method) in TypeScriptRenderer.clientMethods(spec).enumerated() {
                if index > 0 { out.line() }
                for line in SwiftClientRenderer.docComment(paragraphs(method, spec: spec)) { out.line(line) }
                let parameter = paramsAreOptional(method, spec)
                    ? "_ params: \(method.paramsType) = \(method.paramsType)()"
                    : "_ params: \(method.paramsType)"
                out.block(
                    "public func \(SwiftIdentifier.member(method.name))(\(parameter), timeout: Duration? = nil) async throws -> \(method.resultType)"
                ) { out in
                    out.line("try await call(\(SwiftIdentifier.literal(method.name)), params, as: \(method.resultType).self, timeout: timeout)")
                }
            }
        }
        return out.text
    }

    private static func paragraphs(_ method: IRMethod, spec: IRSpec) -> [String] {
        var paragraphs = ["`\(method.name)`: \(method.summary)"]
        paragraphs.append("Scope: " + (method.scope.map { "`\($0)`" } ?? "none") + ".")
        if method.protocols != spec.allProtocols {
            paragraphs.append("Only in protocol " + method.protocols.map(String.init).joined(separator: ", ") + ".")
        }
        if !method.emits.isEmpty { paragraphs.append("Emits: " + method.emits.map { "`\($0)`" }.joined(separator: ", ") + ".") }
        if !method.errors.isEmpty { paragraphs.append("Errors: " + method.errors.map { "`\($0)`" }.joined(separator: ", ") + ".") }
        if let since = method.since { paragraphs.append("Since OpenClaw \(since).") }
        paragraphs.append(
            "- Throws: `GatewayCallError.rpc` when the gateway answers with an error, `.timedOut` after `timeout` "
                + "(the request is then cancelled with a `cancel` frame), `.connectionClosed` when not connected.")
        return paragraphs
    }

    /// A method whose params object has no required member may be called without params.
    static func paramsAreOptional(_ method: IRMethod, _ spec: IRSpec) -> Bool {
        guard case .object(let object)? = spec.types.first(where: { $0.name == method.paramsType }) else { return false }
        return !object.properties.contains { $0.required && $0.constant == nil }
    }
}

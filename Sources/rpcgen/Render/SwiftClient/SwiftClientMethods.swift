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
                let parameter = ClientMethodFacts.paramsAreOptional(method, spec, constantsFilled: true)
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
        var paragraphs = ClientMethodFacts.paragraphs(method, spec: spec, since: { "Since OpenClaw \($0)." })
        paragraphs[0] = "`\(method.name)`: \(method.summary)"
        paragraphs.append(
            "- Throws: `GatewayCallError.rpc` when the gateway answers with an error, `.timedOut` after `timeout` "
                + "(the request is then cancelled with a `cancel` frame), `.connectionClosed` when not connected.")
        return paragraphs
    }
}

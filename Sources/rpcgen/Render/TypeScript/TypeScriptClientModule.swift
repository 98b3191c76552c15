/// `kubeclaw-client.js` and `kubeclaw-client.d.ts`: the client class with one method per RPC
/// (over `GatewayClient` of the hand-written `runtime.js`), and the spec's constants.
enum TypeScriptClientModule {
    static func renderModule(_ spec: IRSpec, fingerprint: String) -> String {
        var out = CodeWriter(indentUnit: "  ")
        out.lines(TypeScriptRenderer.header)
        out.line()
        out.line("import { GatewayClient } from \"./runtime.js\";")
        out.line()
        out.line("export * from \"./runtime.js\";")
        out.line()
        writeConstants(spec, fingerprint: fingerprint, into: &out, declaring: false)
        out.line()
        comment(classParagraphs(spec), into: &out)
        out.block("export class KubeclawClient extends GatewayClient") { out in
            comment(["Options as `GatewayClient`'s; the protocol range defaults to every version of the spec."], into: &out)
            out.block("constructor(options)") { out in
                out.line("super({ minProtocol: PROTOCOL.min, maxProtocol: PROTOCOL.max, ...options });")
            }
            for method in TypeScriptRenderer.clientMethods(spec) {
                out.line()
                comment(ClientMethodFacts.paragraphs(method, spec: spec, since: { "@since OpenClaw \($0)" }), into: &out)
                let name = TypeScriptIdentifier.method(method.name)
                let parameter = ClientMethodFacts.paramsAreOptional(method, spec) ? "params = {}" : "params"
                out.block("\(name)(\(parameter), options)") { out in
                    out.line("return this.request(\(TypeScriptIdentifier.literal(method.name)), params, options);")
                }
            }
        }
        return out.text
    }

    static func renderDeclarations(_ spec: IRSpec, fingerprint: String) -> String {
        var out = CodeWriter(indentUnit: "  ")
        out.lines(TypeScriptRenderer.header)
        out.line()
        out.line("import { GatewayClient, type GatewayClientOptions, type RequestOptions, type GatewayEventFrame, type LocalEvents } from \"./runtime.js\";")
        out.line("import type * as T from \"./types.js\";")
        out.line()
        out.line("export * from \"./runtime.js\";")
        out.line("export type * from \"./types.js\";")
        out.line()
        writeConstants(spec, fingerprint: fingerprint, into: &out, declaring: true)
        out.line()
        comment(classParagraphs(spec), into: &out)
        out.block("export declare class KubeclawClient extends GatewayClient") { out in
            out.line("constructor(options: GatewayClientOptions);")
            out.line()
            out.line("/** Calls `handler` with each event of this name (typed by the spec); returns a function that unsubscribes. */")
            out.line("on<E extends keyof T.EventPayloads>(event: E, handler: (payload: T.EventPayloads[E], frame: GatewayEventFrame) => void): () => void;")
            out.line("on<E extends keyof LocalEvents>(event: E, handler: (payload: LocalEvents[E]) => void): () => void;")
            out.line("on(event: string, handler: (payload: any, frame: GatewayEventFrame) => void): () => void;")
            out.line()
            out.line("/** Resolves with the payload of the next event of this name that satisfies `predicate`; rejects after `timeoutMs`. */")
            out.line("waitFor<E extends keyof T.EventPayloads>(event: E, predicate?: (payload: T.EventPayloads[E]) => boolean, timeoutMs?: number): Promise<T.EventPayloads[E]>;")
            out.line("waitFor(event: string, predicate?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;")
            for method in TypeScriptRenderer.clientMethods(spec) {
                out.line()
                comment(ClientMethodFacts.paragraphs(method, spec: spec, since: { "@since OpenClaw \($0)" }), into: &out)
                let optional = ClientMethodFacts.paramsAreOptional(method, spec) ? "?" : ""
                out.line("\(TypeScriptIdentifier.method(method.name))(params\(optional): T.\(method.paramsType), options?: RequestOptions): Promise<T.\(method.resultType)>;")
            }
        }
        return out.text
    }

    private static func writeConstants(_ spec: IRSpec, fingerprint: String, into out: inout CodeWriter, declaring: Bool) {
        let versions = spec.allProtocols
        let upstream = spec.upstream.map(TypeScriptIdentifier.literal) ?? "null"
        comment([
            "What this client was generated from: the protocol versions it speaks (offered as `[min, max]` in `connect`), "
                + "the OpenClaw release whose schema the spec tracks, and a fingerprint of the spec's types and examples.",
        ], into: &out)
        if declaring {
            out.block("export declare const PROTOCOL:") { out in
                out.line("readonly min: \(versions.first ?? 0);")
                out.line("readonly max: \(versions.last ?? 0);")
                out.line("readonly versions: readonly T.ProtocolVersion[];")
                out.line("readonly upstream: \(spec.upstream == nil ? "null" : "string");")
                out.line("readonly fingerprint: string;")
            }
        } else {
            out.line("export const PROTOCOL = Object.freeze({")
            out.indented { out in
                out.line("min: \(versions.first ?? 0),")
                out.line("max: \(versions.last ?? 0),")
                out.line("versions: Object.freeze([\(versions.map(String.init).joined(separator: ", "))]),")
                out.line("upstream: \(upstream),")
                out.line("fingerprint: \(TypeScriptIdentifier.literal(fingerprint)),")
            }
            out.line("});")
        }
        out.line()
        constantTable(
            "Events", doc: "Event names (`on(Events.CHAT, …)`).",
            entries: spec.events.map { ($0.name, [$0.summary]) }, into: &out, declaring: declaring)
        out.line()
        constantTable(
            "ErrorCodes", doc: "`error.code` values of failed responses (`GatewayRequestError.code`).",
            entries: spec.errors.map { ($0.code, [$0.summary, $0.retryable ? "Retryable." : "Not retryable."]) },
            into: &out, declaring: declaring)
        out.line()
        constantTable(
            "ErrorDetailCodes", doc: "`error.details.code` values: what exactly went wrong (`GatewayRequestError.detailCode`).",
            entries: spec.errorDetails.map { ($0.code, [$0.summary]) }, into: &out, declaring: declaring)
    }

    private static func constantTable(
        _ name: String, doc: String, entries: [(String, [String])], into out: inout CodeWriter, declaring: Bool
    ) {
        let sorted = entries.sorted { $0.0 < $1.0 }
        comment([doc], into: &out)
        out.line(declaring ? "export declare const \(name): {" : "export const \(name) = Object.freeze({")
        out.indented { out in
            for (value, paragraphs) in sorted {
                comment(paragraphs, into: &out)
                let key = TypeScriptIdentifier.constant(value)
                let literal = TypeScriptIdentifier.literal(value)
                out.line(declaring ? "readonly \(key): \(literal);" : "\(key): \(literal),")
            }
        }
        out.line(declaring ? "};" : "});")
    }

    private static func classParagraphs(_ spec: IRSpec) -> [String] {
        [
            "A client of \(spec.title): one method per RPC, each returning the result's payload or "
                + "throwing `GatewayRequestError`. Connection, handshake, events, timeouts and reconnects are "
                + "`GatewayClient`'s (runtime.js).",
        ]
    }

    private static func comment(_ paragraphs: [String], into out: inout CodeWriter) {
        for line in TypeScriptIdentifier.docComment(paragraphs) { out.line(line) }
    }
}

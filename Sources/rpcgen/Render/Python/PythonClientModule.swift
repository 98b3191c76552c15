/// `client.py`: the client class with one `async` method per RPC (over `GatewayClient` of the
/// hand-written `runtime.py`), event overloads typed by the spec's payloads, and the spec's
/// constants: `PROTOCOL`, `COMPATIBILITY`, `Events`, `ErrorCodes`, `ErrorDetailCodes`.
enum PythonClientModule {
    static func render(_ spec: IRSpec, fingerprint: String) -> String {
        let names = PythonTypeNames(spec)
        var out = CodeWriter()
        out.lines(PythonRenderer.header)
        docstring(classParagraphs(spec), into: &out)
        out.line()
        out.line("from __future__ import annotations")
        out.line()
        out.line("import asyncio")
        out.line("from typing import Any, Callable, Final, Literal, Optional, cast, overload")
        out.line()
        out.line("from . import types as T")
        out.line("from .runtime import GatewayClient, ProtocolInfo")
        out.line()
        writeConstants(spec, fingerprint: fingerprint, into: &out)
        out.line()
        out.line()
        out.line("class KubeclawClient(GatewayClient):")
        out.indented { out in
            docstring(classParagraphs(spec), into: &out)
            out.line()
            out.line("def __init__(self, url: str, **options: Any) -> None:")
            out.indented { out in
                docstring(["Options as `GatewayClient`'s (`ClientOptions`); the protocol range defaults to every version of the spec."], into: &out)
                out.line("options.setdefault(\"min_protocol\", PROTOCOL.min)")
                out.line("options.setdefault(\"max_protocol\", PROTOCOL.max)")
                out.line("super().__init__(url, **options)")
            }
            writeEventOverloads(spec, names: names, into: &out)
            for method in PythonRenderer.clientMethods(spec) {
                out.line()
                writeMethod(method, spec: spec, names: names, into: &out)
            }
        }
        return out.text
    }

    private static func writeConstants(_ spec: IRSpec, fingerprint: String, into out: inout CodeWriter) {
        let versions = spec.allProtocols
        let upstream = spec.upstream.map(PythonIdentifier.literal) ?? "None"
        out.line("PROTOCOL: Final = ProtocolInfo(")
        out.indented { out in
            out.line("min=\(versions.first ?? 0),")
            out.line("max=\(versions.last ?? 0),")
            out.line("versions=(\(versions.map(String.init).joined(separator: ", "))\(versions.count == 1 ? "," : "")),")
            out.line("upstream=\(upstream),")
            out.line("fingerprint=\(PythonIdentifier.literal(fingerprint)),")
        }
        out.line(")")
        docstring([
            "What this client was generated from: the protocol versions it speaks (offered as `[min, max]` in `connect`), "
                + "the OpenClaw release whose schema the spec tracks, and a fingerprint of the spec's types and examples.",
        ], into: &out)
        out.line()
        let range = TypeScriptDeclarations.versionRange(spec)
        let tracking = spec.upstream.map { "; spec tracking \($0)" } ?? ""
        let line = "protocol versions \(range) (offers [\(versions.first ?? 0), \(versions.last ?? 0)] in connect)\(tracking); spec fingerprint \(fingerprint)"
        out.line("COMPATIBILITY: Final = \(PythonIdentifier.literal(line))")
        out.line("\"\"\"The compatibility line: protocol versions and the spec revision, for logs and bug reports.\"\"\"")
        out.line()
        constantTable(
            "Events", doc: "Event names (`client.on(Events.CHAT, …)`).",
            entries: spec.events.map { ($0.name, [$0.summary]) }, into: &out)
        out.line()
        constantTable(
            "ErrorCodes", doc: "`error.code` values of failed responses (`GatewayError.code`).",
            entries: spec.errors.map { ($0.code, [$0.summary, $0.retryable ? "Retryable." : "Not retryable."]) }, into: &out)
        out.line()
        constantTable(
            "ErrorDetailCodes", doc: "`error.details.code` values: what exactly went wrong (`GatewayError.detail_code`).",
            entries: spec.errorDetails.map { ($0.code, [$0.summary]) }, into: &out)
    }

    private static func constantTable(_ name: String, doc: String, entries: [(String, [String])], into out: inout CodeWriter) {
        out.line()
        out.line("class \(name):")
        out.indented { out in
            docstring([doc], into: &out)
            for (value, paragraphs) in entries.sorted(by: { $0.0 < $1.0 }) {
                out.line()
                out.line("\(PythonIdentifier.constant(value)): Final = \(PythonIdentifier.literal(value))")
                docstring(paragraphs, into: &out)
            }
        }
    }

    /// `on` and `wait_for` typed by each event's payload (`Literal` event names select the overload).
    private static func writeEventOverloads(_ spec: IRSpec, names: PythonTypeNames, into out: inout CodeWriter) {
        let events = spec.events.sorted { $0.name < $1.name }
        for event in events {
            out.line()
            out.line("@overload")
            out.line("def on(self, event: Literal[\(PythonIdentifier.literal(event.name))], "
                + "handler: Callable[[T.\(names.name([event.payloadType]))], Any]) -> Callable[[], None]: ...")
        }
        out.line()
        out.line("@overload")
        out.line("def on(self, event: str, handler: Callable[[Any], Any]) -> Callable[[], None]: ...")
        out.line()
        out.line("def on(self, event: str, handler: Callable[[Any], Any]) -> Callable[[], None]:")
        out.indented { out in
            docstring([
                "Calls `handler(payload)` with each event of this name (typed by the spec; also the local events "
                    + "`open`, `close`, `reconnecting`, `gap`); returns a function that unsubscribes.",
            ], into: &out)
            out.line("return super().on(event, handler)")
        }
        for event in events {
            let payload = "T.\(names.name([event.payloadType]))"
            out.line()
            out.line("@overload")
            out.line("def wait_for(self, event: Literal[\(PythonIdentifier.literal(event.name))], "
                + "predicate: Optional[Callable[[\(payload)], bool]] = None, timeout: Optional[float] = None) -> asyncio.Future[\(payload)]: ...")
        }
        let generic = "def wait_for(self, event: str, predicate: Optional[Callable[[Any], bool]] = None, timeout: Optional[float] = None) -> asyncio.Future[Any]"
        out.line()
        out.line("@overload")
        out.line(generic + ": ...")
        out.line()
        out.line(generic + ":")
        out.indented { out in
            docstring([
                "A future of the payload of the next event of this name that satisfies `predicate`, listening from this call on; "
                    + "it fails with `GatewayTimeoutError` after `timeout` seconds (default: the request timeout).",
            ], into: &out)
            out.line("return super().wait_for(event, predicate, timeout)")
        }
    }

    private static func writeMethod(_ method: IRMethod, spec: IRSpec, names: PythonTypeNames, into out: inout CodeWriter) {
        let name = PythonIdentifier.method(method.name)
        let params = "T.\(names.name([method.paramsType]))", result = "T.\(names.name([method.resultType]))"
        let optional = ClientMethodFacts.paramsAreOptional(method, spec)
        let parameter = optional ? "params: Optional[\(params)] = None" : "params: \(params)"
        out.line("async def \(name)(self, \(parameter), *, timeout: Optional[float] = None) -> \(result):")
        out.indented { out in
            docstring(ClientMethodFacts.paragraphs(method, spec: spec, since: { "Since OpenClaw \($0)." }), into: &out)
            let argument = optional ? "params if params is not None else {}" : "params"
            out.line("return cast(\(PythonIdentifier.literal(result)), await self.request(\(PythonIdentifier.literal(method.name)), \(argument), timeout=timeout))")
        }
    }

    private static func classParagraphs(_ spec: IRSpec) -> [String] {
        [
            "A client of \(spec.title): one `async` method per RPC, each returning the result's payload or "
                + "raising `GatewayError`. Connection, handshake, events, timeouts and reconnects are "
                + "`GatewayClient`'s (runtime.py).",
        ]
    }

    private static func docstring(_ paragraphs: [String], into out: inout CodeWriter) {
        for line in PythonIdentifier.docstring(paragraphs) { out.line(line) }
    }
}

/// Renders the conformance suite into Swift: `ConformanceCases.swift`, the cases the planner
/// derives from the spec, as data written in the conformance model of the `RPCRuntime` module.
/// The `Conformance` module runs them against any gateway.
struct ConformanceRenderer: Renderer {
    let identifier = "conformance-swift"
    let summary = "Swift conformance cases derived from the spec (data for the Conformance runner)"
    let outputFileNames = ["ConformanceCases.swift"]

    func render(_ spec: IRSpec) -> [RenderedFile] {
        [
            RenderedFile(name: "ConformanceCases.swift", contents: Self.renderCases(ConformancePlanner.plan(spec))),
        ]
    }

    static func renderCases(_ plan: ConformancePlan) -> String {
        var writer = CodeWriter()
        writer.lines(SwiftTypesRenderer.header)
        writer.line(SwiftTypesRenderer.runtimeImport)
        writer.line()
        writer.line("/// The conformance suite rpcgen derives from the spec: protocol cases from its frames, limits,")
        writer.line("/// error and close codes; one case per method example and invalid example; the chat stream")
        writer.line("/// cases; one payload case per event. Run it with `kubeclaw conformance` or the `Conformance` module.")
        writer.block("public enum ConformanceSuite") { writer in
            writer.line("/// The protocol versions of the spec, oldest first.")
            writer.line("public static let protocols: [Int] = [\(plan.protocols.map(String.init).joined(separator: ", "))]")
            writer.line("/// The version the runner speaks unless told otherwise.")
            writer.line("public static let newestProtocol = \(plan.protocols.last ?? 1)")
            writer.line("/// The suite's revision: a hash of this file, so any change to a case changes it (reports carry it).")
            writer.line("public static let version = \(versionPlaceholder)")
            writer.line()
            writer.line("/// The envelope schemas every frame is validated against.")
            let frames = plan.frames
            writer.line("public static let frames = ConformanceFrames(request: \(literal(frames.request)), response: \(literal(frames.response)), event: \(literal(frames.event)), error: \(literal(frames.error)))")
            writer.line()
            writer.line("/// Every event of the spec.")
            writer.line("public static let events: [ConformanceEvent] = [")
            writer.indented { writer in
                for event in plan.events {
                    writer.line("ConformanceEvent(name: \(literal(event.name)), payloadSchema: \(literal(event.payloadSchema)), sequenced: \(event.sequenced)),")
                }
            }
            writer.line("]")
            writer.line()
            writer.line("/// The error code of a rate-limited request; with `retryAfterMs` the runner waits and retries.")
            writer.line("public static let rateLimitErrorCode = \(literal(plan.rateLimitErrorCode))")
            writer.line()
            writer.line("/// Every case, in the order they run.")
            writer.line("public static let cases: [ConformanceCase] = [")
            writer.indented { writer in
                for testCase in plan.cases { write(testCase, into: &writer) }
            }
            writer.line("]")
        }
        let text = writer.text
        return text.replacing(versionPlaceholder, with: literal(ClientFingerprint.hash(text)))
    }

    private static let versionPlaceholder = "<suite version>"

    private static func write(_ testCase: ConformancePlan.Case, into writer: inout CodeWriter) {
        writer.line("ConformanceCase(")
        writer.indented { writer in
            writer.line("id: \(literal(testCase.id)),")
            writer.line("group: \(literal(testCase.group)),")
            writer.line("summary: \(literal(testCase.summary)),")
            writer.lines("kind: \(kind(testCase.kind)),")
            writer.line("flags: \(flags(testCase.flags)),")
            writer.line("protocols: [\(testCase.protocols.map(String.init).joined(separator: ", "))]")
        }
        writer.line("),")
    }

    private static func flags(_ flags: ConformancePlan.Flags) -> String {
        let names = [(flags.needsModel, ".needsModel"), (flags.needsAuth, ".needsAuth"), (flags.mutates, ".mutates")]
        return "[" + names.filter(\.0).map(\.1).joined(separator: ", ") + "]"
    }

    /// The kind as a Swift expression; runs span several lines.
    private static func kind(_ kind: ConformancePlan.Kind) -> String {
        switch kind {
        case .challengeFirst(let event, let payloadSchema):
            return ".challengeFirst(event: \(literal(event)), payloadSchema: \(literal(payloadSchema)))"
        case .requestBeforeConnect(let request, let rejection):
            return ".requestBeforeConnect(\(self.request(request)), \(self.rejection(rejection)))"
        case .rejectedCredentials(let fault, let rejection):
            return ".rejectedCredentials(.\(fault.rawValue), \(self.rejection(rejection)))"
        case .protocolMismatch(let minProtocol, let maxProtocol, let rejection):
            return ".protocolMismatch(minProtocol: \(minProtocol), maxProtocol: \(maxProtocol), \(self.rejection(rejection)))"
        case .negotiation(let minProtocol, let maxProtocol, let expected, let resultSchema):
            return ".negotiation(minProtocol: \(minProtocol), maxProtocol: \(maxProtocol), expected: \(expected), resultSchema: \(literal(resultSchema)))"
        case .unknownMethod(let request, let rejection, let probe):
            return ".unknownMethod(\(self.request(request)), \(self.rejection(rejection)), probe: \(self.request(probe)))"
        case .malformedFrame(let text, let rejection, let replyRequired, let probe):
            return ".malformedFrame(text: \(literal(text)), \(self.rejection(rejection)), replyRequired: \(replyRequired), probe: \(self.request(probe)))"
        case .binaryFrame(let bytes, let rejection, let probe):
            let list = bytes.map { "0x" + (($0 < 16 ? "0" : "") + String($0, radix: 16)) }.joined(separator: ", ")
            return ".binaryFrame(bytes: [\(list)], \(self.rejection(rejection)), probe: \(self.request(probe)))"
        case .oversizeMessage(let maxPayload, let closeCode):
            return ".oversizeMessage(maxPayload: \(maxPayload), closeCode: \(closeCode))"
        case .responseIdEcho(let request, let ids):
            return ".responseIdEcho(\(self.request(request)), ids: [\(ids.map(literal).joined(separator: ", "))])"
        case .sequenceIncreasing(let triggers, let run):
            let list = triggers.map(self.request).joined(separator: ", ")
            return ".sequenceIncreasing(triggers: [\(list)], run: \(run.map(self.run) ?? "nil"))"
        case .connectExample(let params, let resultSchema, let accepted):
            return ".connectExample(params: \(literal(params)), resultSchema: \(literal(resultSchema)), accepted: [\(accepted.map(rejection).joined(separator: ", "))])"
        case .connectRejected(let params, let rejection):
            return ".connectRejected(params: \(literal(params)), \(self.rejection(rejection)))"
        case .validExample(let request, let resultSchema, let acceptedErrors):
            return ".validExample(\(self.request(request)), resultSchema: \(literal(resultSchema)), acceptedErrors: [\(acceptedErrors.map(literal).joined(separator: ", "))])"
        case .invalidExample(let request, let rejection, let probe):
            return ".invalidExample(\(self.request(request)), \(self.rejection(rejection)), probe: \(probe.map(self.request) ?? "nil"))"
        case .chatOrdering(let run):
            return ".chatOrdering(\(self.run(run)))"
        case .abortDuringStream(let run, let abort, let history):
            let abortText = "ConformanceAbort(method: \(literal(abort.method)), resultSchema: \(literal(abort.resultSchema)), abortedField: \(literal(abort.abortedField)), abortedState: \(literal(abort.abortedState)))"
            return ".abortDuringStream(\n    \(indent(self.run(run))),\n    \(abortText),\n    history: \(history.map(self.history) ?? "nil")\n)"
        case .historyContainsExchange(let run, let history):
            return ".historyContainsExchange(\n    \(indent(self.run(run))),\n    \(self.history(history))\n)"
        case .eventPayloads(let event, let payloadSchema, let trigger):
            return ".eventPayloads(event: \(literal(event)), payloadSchema: \(literal(payloadSchema)), trigger: \(trigger.map(self.trigger) ?? "nil"))"
        case .eventOrder(let rule, let run):
            return ".eventOrder(\n    \(indent(orderRule(rule))),\n    \(indent(self.run(run)))\n)"
        }
    }

    private static func request(_ request: ConformancePlan.Request) -> String {
        "ConformanceRequest(method: \(literal(request.method)), params: \(literal(request.params)))"
    }

    private static func rejection(_ rejection: ConformancePlan.Rejection) -> String {
        "ConformanceRejection(code: \(literal(rejection.code)), closeCode: \(rejection.closeCode.map(String.init) ?? "nil")"
            + (rejection.detailsCode.map { ", detailsCode: \(literal($0))" } ?? "")
            + (rejection.details.isEmpty ? "" : ", details: [" + rejection.details.map(match).joined(separator: ", ") + "]") + ")"
    }

    private static func trigger(_ trigger: ConformancePlan.EventTrigger) -> String {
        switch trigger {
        case .periodic(let field, let interval): ".periodic(policyField: \(literal(field)), defaultIntervalMs: \(interval))"
        case .gatewayShutdown(let closeCode): ".gatewayShutdown(closeCode: \(closeCode.map(String.init) ?? "nil"))"
        case .trackedClient(let id, let mode): ".trackedClient(clientId: \(literal(id)), mode: \(literal(mode)))"
        }
    }

    private static func match(_ match: ConformancePlan.Match) -> String {
        "ConformanceMatch(pointer: \(literal(match.pointer)), value: \(literal(match.value)))"
    }

    private static func orderRule(_ rule: ConformancePlan.OrderRule) -> String {
        let steps = rule.steps.map { step -> String in
            switch step {
            case .response(let method): "    .response(\(literal(method)))"
            case .event(let event, let match):
                "    .event(\(literal(event)), match: [" + match.map(Self.match).joined(separator: ", ") + "])"
            }
        }
        return "ConformanceOrderRule(name: \(literal(rule.name)), correlate: \(literal(rule.correlate)), steps: [\n" + steps.joined(separator: ",\n") + ",\n])"
    }

    private static func history(_ history: ConformancePlan.History) -> String {
        "ConformanceHistory(method: \(literal(history.method)), resultSchema: \(literal(history.resultSchema)), messagesField: \(literal(history.messagesField)), roleField: \(literal(history.roleField)), userRole: \(literal(history.userRole)), assistantRole: \(literal(history.assistantRole)))"
    }

    private static func run(_ run: ConformancePlan.Run) -> String {
        let members = [
            "start: \(request(run.start))",
            "resultSchema: \(literal(run.resultSchema))",
            "idempotencyKeyField: \(literal(run.idempotencyKeyField))",
            "messageField: \(literal(run.messageField))",
            "sessionKeyField: \(literal(run.sessionKeyField))",
            "runIdField: \(literal(run.runIdField))",
            "event: \(literal(run.event))",
            "stateField: \(literal(run.stateField))",
            "eventMessageField: \(literal(run.eventMessageField))",
            "deltaState: \(literal(run.deltaState))",
            "terminalStates: [\(run.terminalStates.map(literal).joined(separator: ", "))]",
        ]
        return "ConformanceRun(\n" + members.map { "    " + $0 }.joined(separator: ",\n") + "\n)"
    }

    /// Indents every line but the first one level (for an expression nested in another).
    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : "    " + $0.element }.joined(separator: "\n")
    }

    private static func literal(_ text: String) -> String {
        SwiftIdentifier.literal(text)
    }
}

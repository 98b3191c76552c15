/// Derives the conformance suite from the IR: the protocol-level cases from the frames,
/// limits, error and close codes; one case per method example and invalid example; the chat
/// stream cases; one event-payload case per event.
///
/// Pure and deterministic: the same IR gives the same plan, in the same order.
struct ConformancePlanner {
    let spec: IRSpec
    let roles: ConformanceRoles

    static func plan(_ spec: IRSpec, roles: ConformanceRoles = .openClaw) -> ConformancePlan {
        ConformancePlanner(spec: spec, roles: roles).plan()
    }

    func plan() -> ConformancePlan {
        var cases = protocolCases()
        cases += methodCases()
        cases += streamCases()
        cases += orderCases()
        cases += spec.events.map { event in
            ConformancePlan.Case(
                id: "event/\(event.name)/payload", group: "event",
                summary: "every `\(event.name)` event seen during the run is valid against \(event.payloadSchema)",
                kind: .eventPayloads(event: event.name, payloadSchema: event.payloadSchema, trigger: trigger(for: event.name)),
                flags: .init(), protocols: event.protocols)
        }
        return ConformancePlan(
            protocols: spec.allProtocols,
            frames: .init(
                request: definitionName(ofType: spec.frames.request), response: definitionName(ofType: spec.frames.response),
                event: definitionName(ofType: spec.frames.event), error: definitionName(ofType: spec.frames.error)),
            events: spec.events.map { .init(name: $0.name, payloadSchema: $0.payloadSchema, sequenced: $0.sequenced) },
            rateLimitErrorCode: spec.limits.rateLimitErrorCode,
            cases: cases)
    }

    /// How the runner provokes `event` when the run has not seen it by the end.
    private func trigger(for event: String) -> ConformancePlan.EventTrigger? {
        switch event {
        case roles.tickEvent: .periodic(policyField: roles.tickPolicyField, defaultIntervalMs: spec.limits.tickIntervalMs)
        case roles.shutdownEvent: .gatewayShutdown(closeCode: closeCode(roles.serviceRestartClose))
        case roles.presenceEvent: .trackedClient(clientId: roles.trackedClientId, mode: roles.trackedClientMode)
        default: nil
        }
    }

    // MARK: Protocol cases

    private func protocolCases() -> [ConformancePlan.Case] {
        var cases: [ConformancePlan.Case] = []
        func add(
            _ name: String, _ summary: String, _ kind: ConformancePlan.Kind, flags: ConformancePlan.Flags = .init(),
            protocols: [Int]? = nil
        ) {
            cases.append(.init(
                id: "protocol/\(name)", group: "protocol", summary: summary, kind: kind, flags: flags,
                protocols: protocols ?? spec.allProtocols))
        }
        if let challenge = event(roles.challengeEvent) {
            add("challenge-first", "the first frame is a `\(challenge.name)` event without `seq`, payload valid against \(challenge.payloadSchema)",
                .challengeFirst(event: challenge.name, payloadSchema: challenge.payloadSchema))
        }
        guard method(roles.connectMethod) != nil, let invalid = errorCode(roles.invalidRequestCode) else { return cases }
        let policy = closeCode(roles.policyViolationClose)
        let refused = ConformancePlan.Rejection(code: invalid, closeCode: policy)
        let probe = probeRequest()
        if let probe {
            add("request-before-connect", "`\(probe.method)` before `\(roles.connectMethod)`: \(describe(refused))",
                .requestBeforeConnect(probe, refused))
        }
        let missing = refused.withDetailsCode(detailCode(roles.tokenMissingDetail))
        add("missing-token", "`\(roles.connectMethod)` without a token: \(describe(missing))",
            .rejectedCredentials(.missing, missing), flags: .init(needsAuth: true))
        let wrong = refused.withDetailsCode(detailCode(roles.tokenMismatchDetail))
        add("wrong-token", "`\(roles.connectMethod)` with a wrong token: \(describe(wrong))",
            .rejectedCredentials(.wrong, wrong), flags: .init(needsAuth: true))
        if let protocolError = closeCode(roles.protocolErrorClose) {
            let mismatch = ConformancePlan.Rejection(code: invalid, closeCode: protocolError, detailsCode: detailCode(roles.protocolMismatchDetail))
            let newest = spec.newestProtocol, oldest = spec.allProtocols.first ?? newest
            add("protocol-range-above", "protocol range [\(newest + 1), \(newest + 1)]: \(describe(mismatch))",
                .protocolMismatch(minProtocol: newest + 1, maxProtocol: newest + 1, mismatch))
            if oldest > 1 {
                add("protocol-range-below", "protocol range [1, \(oldest - 1)]: \(describe(mismatch))",
                    .protocolMismatch(minProtocol: 1, maxProtocol: oldest - 1, mismatch))
            }
        }
        if let connect = method(roles.connectMethod) {
            for version in spec.allProtocols {
                add("negotiate-\(version)", "protocol range [\(version), \(version)]: hello-ok with protocol \(version), valid against \(connect.resultSchema) in protocol \(version)",
                    .negotiation(minProtocol: version, maxProtocol: version, expected: version, resultSchema: connect.resultSchema),
                    protocols: [version])
            }
            if spec.protocols.count > 1, let oldest = spec.allProtocols.first {
                let newest = spec.newestProtocol
                add("negotiate-newest", "protocol range [\(oldest), \(newest + 1)]: the newest common version, \(newest)",
                    .negotiation(minProtocol: oldest, maxProtocol: newest + 1, expected: newest, resultSchema: connect.resultSchema),
                    protocols: [newest])
            }
        }
        let stays = ConformancePlan.Rejection(code: invalid, closeCode: nil)
        if let probe {
            if method(roles.unknownMethod) == nil {
                add("unknown-method", "unknown method `\(roles.unknownMethod)`: \(describe(stays))",
                    .unknownMethod(.init(method: roles.unknownMethod, params: "{}"), stays, probe: probe))
            }
            let missingId = "{\"method\":\(jsonString(probe.method)),\"params\":\(probe.params),\"type\":\"req\"}"
            add("missing-id", "a request without `id`: \(describe(stays))",
                .malformedFrame(text: missingId, stays, replyRequired: true, probe: probe))
            add("non-json-text", "text that is not JSON: ignored or \(describe(stays))",
                .malformedFrame(text: roles.nonJSONText, stays, replyRequired: false, probe: probe))
            add("binary-frame", "a binary message: ignored or \(describe(stays))",
                .binaryFrame(bytes: roles.binaryBytes, stays, probe: probe))
        }
        if let tooBig = closeCode(roles.messageTooBigClose) {
            add("oversize-payload", "a message over maxPayload (\(spec.limits.maxPayload) bytes unless hello-ok says otherwise): close \(tooBig)",
                .oversizeMessage(maxPayload: spec.limits.maxPayload, closeCode: tooBig))
        }
        if let probe {
            add("response-id-echo", "responses echo the request id exactly, also for concurrent requests",
                .responseIdEcho(probe, ids: roles.echoedIds))
        }
        let triggers = sequenceTriggers()
        let run = chatRun()
        if !triggers.isEmpty || run != nil {
            let how = triggers.isEmpty ? "a chat run" : triggers.map { "`\($0.method)` \($0.params)" }.joined(separator: ", ")
            add("seq-increasing", "event `seq` strictly increases on a connection (events caused by \(how))",
                .sequenceIncreasing(triggers: triggers, run: run))
        }
        return cases
    }

    /// A request anyone may send that changes nothing: the first example of the first method
    /// without a scope (`health`).
    private func probeRequest() -> ConformancePlan.Request? {
        for method in spec.methods where method.scope == nil && method.name != roles.connectMethod {
            if let example = method.examples.first(where: { $0.dependsOn == nil }) {
                return .init(method: method.name, params: example.params)
            }
        }
        return nil
    }

    /// Examples of methods that change nothing and may emit a sequenced event.
    private func sequenceTriggers() -> [ConformancePlan.Request] {
        let sequenced = Set(spec.events.filter(\.sequenced).map(\.name))
        return spec.methods
            .filter { $0.name != roles.connectMethod && !mutates($0) && $0.emits.contains(where: sequenced.contains) }
            .flatMap { method in method.examples.filter { $0.dependsOn == nil }.map { .init(method: method.name, params: $0.params) } }
    }

    // MARK: Method cases

    private func methodCases() -> [ConformancePlan.Case] {
        // The handshake first, then the method that starts runs (so the history and abort
        // examples find a conversation), then the rest in spec order.
        let first = [roles.connectMethod, roles.runMethod].compactMap(method)
        let ordered = first + spec.methods.filter { method in !first.contains { $0.name == method.name } }
        return ordered.flatMap(cases(for:))
    }

    private func cases(for method: IRMethod) -> [ConformancePlan.Case] {
        let isConnect = method.name == roles.connectMethod
        let policy = closeCode(roles.policyViolationClose)
        var cases: [ConformancePlan.Case] = []
        for (index, example) in method.examples.enumerated() {
            let label = "\(method.name) example \(exampleLabel(example.name, index))"
            var summary = "\(label): ok, result valid against \(method.resultSchema)"
            if let dependsOn = example.dependsOn {
                summary += "; needs \(dependsOn), so a declared error (\(method.errors.joined(separator: ", "))) is accepted"
            }
            let kind: ConformancePlan.Kind
            if isConnect {
                let accepted = example.dependsOn == nil ? [] : method.errors.map { ConformancePlan.Rejection(code: $0, closeCode: policy) }
                kind = .connectExample(params: example.params, resultSchema: method.resultSchema, accepted: accepted)
            } else {
                kind = .validExample(
                    .init(method: method.name, params: example.params), resultSchema: method.resultSchema,
                    acceptedErrors: example.dependsOn == nil ? [] : method.errors)
            }
            cases.append(.init(
                id: "method/\(method.name)/valid/\(index)", group: method.name, summary: summary, kind: kind,
                flags: .init(needsModel: method.name == roles.runMethod, mutates: !isConnect && mutates(method)),
                protocols: example.protocols))
        }
        for (index, example) in method.invalid.enumerated() {
            let rejection = ConformancePlan.Rejection(
                code: example.error, closeCode: isConnect ? policy : nil,
                details: example.details.map { .init(pointer: $0.pointer, value: $0.value) })
            let kind: ConformancePlan.Kind = isConnect
                ? .connectRejected(params: example.params, rejection)
                : .invalidExample(.init(method: method.name, params: example.params), rejection, probe: probeRequest())
            cases.append(.init(
                id: "method/\(method.name)/invalid/\(index)", group: method.name,
                summary: "\(method.name) invalid params \(exampleLabel(example.name, index)): \(describe(rejection))",
                kind: kind, flags: .init(), protocols: example.protocols))
        }
        return cases
    }

    private func mutates(_ method: IRMethod) -> Bool {
        method.scope.map { $0 != roles.readScope } ?? false
    }

    // MARK: Stream cases

    private func streamCases() -> [ConformancePlan.Case] {
        guard let run = chatRun() else { return [] }
        var cases: [ConformancePlan.Case] = []
        let flags = ConformancePlan.Flags(needsModel: true, mutates: true)
        let versions = runProtocols()
        let terminal = run.terminalStates.joined(separator: " / ")
        let history = historyRole()
        cases.append(.init(
            id: "stream/chat-ordering", group: "stream",
            summary: "`\(run.start.method)` acks with the run id, then `\(run.event)` events: \(run.deltaState)s with cumulative text, then exactly one of \(terminal), all with the ack's \(run.runIdField)",
            kind: .chatOrdering(run), flags: flags, protocols: versions))
        if let abort = method(roles.abortMethod),
           has(abort.paramsSchema, [roles.sessionKeyField, roles.runIdField]),
           has(abort.resultSchema, [roles.abortedResultField]),
           run.terminalStates.contains(roles.abortedState) {
            cases.append(.init(
                id: "stream/abort-during-stream", group: "stream",
                summary: "`\(abort.name)` during a stream: \(roles.abortedResultField) true, the run ends with one `\(run.event)` \(roles.abortedState) event and nothing after it"
                    + (history.map { "; its partial text is kept in `\($0.method)`" } ?? ""),
                kind: .abortDuringStream(run, .init(
                    method: abort.name, resultSchema: abort.resultSchema, abortedField: roles.abortedResultField,
                    abortedState: roles.abortedState), history),
                flags: flags, protocols: versions.filter { abort.protocols.contains($0) }))
        }
        if let history {
            cases.append(.init(
                id: "stream/history-contains-exchange", group: "stream",
                summary: "after a run, `\(history.method)` holds the user message and the assistant reply",
                kind: .historyContainsExchange(run, history), flags: flags,
                protocols: versions.filter { method(history.method)?.protocols.contains($0) ?? true }))
        }
        return cases
    }

    /// The versions in which both the run method and the run event exist.
    private func runProtocols() -> [Int] {
        let start = method(roles.runMethod)?.protocols ?? spec.allProtocols
        let event = event(roles.runEvent)?.protocols ?? spec.allProtocols
        return start.filter(event.contains)
    }

    /// One case per event-order rule the runner can drive: a chat run, with the rule's
    /// response step (if any) requested mid-stream with the run's session key and id.
    private func orderCases() -> [ConformancePlan.Case] {
        guard let run = chatRun() else { return [] }
        return spec.eventOrder.compactMap { rule in
            var versions = runProtocols()
            let steps = rule.steps.map { step -> ConformancePlan.OrderRule.Step in
                switch step {
                case .response(let name):
                    versions = versions.filter { method(name)?.protocols.contains($0) ?? false }
                    return .response(name)
                case .event(let name, let match):
                    versions = versions.filter { event(name)?.protocols.contains($0) ?? false }
                    return .event(name, match: match.map { .init(pointer: $0.pointer, value: $0.value) })
                }
            }
            let description = rule.steps.map { step -> String in
                switch step {
                case .response(let name): "the `\(name)` response"
                case .event(let name, let match):
                    "`\(name)`" + (match.isEmpty ? "" : " (" + match.map { "\($0.pointer)=\($0.value)" }.joined(separator: ", ") + ")")
                }
            }.joined(separator: " → ")
            // A version in which a step's method or event does not exist cannot check the rule.
            guard !versions.isEmpty else { return nil }
            return ConformancePlan.Case(
                id: "stream/order/\(rule.name)", group: "stream", summary: "\(rule.summary): \(description), by \(rule.correlate)",
                kind: .eventOrder(.init(name: rule.name, correlate: rule.correlate, steps: steps), run),
                flags: .init(needsModel: true, mutates: true), protocols: versions)
        }
    }

    /// The method that reads a transcript, when the spec has one the stream cases can read.
    private func historyRole() -> ConformancePlan.History? {
        guard let history = method(roles.historyMethod),
              has(history.paramsSchema, [roles.sessionKeyField]), has(history.resultSchema, [roles.historyMessagesField])
        else { return nil }
        return .init(
            method: history.name, resultSchema: history.resultSchema, messagesField: roles.historyMessagesField,
            roleField: roles.roleField, userRole: roles.userRole, assistantRole: roles.assistantRole)
    }

    /// The run-starting method with its first state-independent example, when the spec has
    /// everything the stream cases follow a run by.
    private func chatRun() -> ConformancePlan.Run? {
        guard let method = method(roles.runMethod), let event = event(roles.runEvent),
              let example = method.examples.first(where: { $0.dependsOn == nil }),
              has(method.paramsSchema, [roles.idempotencyKeyField, roles.messageField, roles.sessionKeyField]),
              has(method.resultSchema, [roles.runIdField]),
              has(event.payloadSchema, [roles.runIdField, roles.eventMessageField]),
              let states = enumValues(of: event.payloadSchema, property: roles.stateField), states.contains(roles.deltaState)
        else { return nil }
        return ConformancePlan.Run(
            start: .init(method: method.name, params: example.params), resultSchema: method.resultSchema,
            idempotencyKeyField: roles.idempotencyKeyField, messageField: roles.messageField,
            sessionKeyField: roles.sessionKeyField, runIdField: roles.runIdField, event: event.name,
            stateField: roles.stateField, eventMessageField: roles.eventMessageField, deltaState: roles.deltaState,
            terminalStates: states.filter { $0 != roles.deltaState })
    }

    // MARK: IR lookups

    private func method(_ name: String) -> IRMethod? {
        spec.methods.first { $0.name == name }
    }

    private func event(_ name: String) -> IREvent? {
        spec.events.first { $0.name == name }
    }

    private func errorCode(_ code: String) -> String? {
        spec.errors.contains { $0.code == code } ? code : nil
    }

    /// The number of the close code the spec names `name`.
    private func closeCode(_ name: String) -> Int? {
        spec.closeCodes.first { $0.name == name }?.code
    }

    /// The definition name of a frame type (they differ when `x-swift-name` renames it).
    private func definitionName(ofType typeName: String) -> String {
        for declaration in spec.types where declaration.name == typeName {
            switch declaration {
            case .object(let object): return object.definitionName ?? typeName
            case .enumeration(let enumeration): return enumeration.definitionName ?? typeName
            case .alias(let alias): return alias.definitionName
            }
        }
        return typeName
    }

    private func resolved(_ schema: IRSchema) -> IRSchema {
        var schema = schema
        var seen: Set<String> = []
        while case .ref(let name) = schema, seen.insert(name).inserted,
              let target = spec.schemas.first(where: { $0.name == name })?.schema {
            schema = target
        }
        return schema
    }

    private func properties(of definition: String) -> [IRSchemaProperty] {
        if case .object(let properties, _, _) = resolved(.ref(definition)) { return properties }
        return []
    }

    private func has(_ definition: String, _ names: [String]) -> Bool {
        let declared = Set(properties(of: definition).map(\.name))
        return names.allSatisfy(declared.contains)
    }

    private func enumValues(of definition: String, property: String) -> [String]? {
        guard let schema = properties(of: definition).first(where: { $0.name == property })?.schema else { return nil }
        switch resolved(schema) {
        case .enumeration(let values, _): return values
        case .nullable(let inner):
            if case .enumeration(let values, _) = resolved(inner) { return values }
            return nil
        default: return nil
        }
    }

    // MARK: Text

    private func exampleLabel(_ name: String?, _ index: Int) -> String {
        name.map { "\"\($0)\"" } ?? "#\(index)"
    }

    private func describe(_ rejection: ConformancePlan.Rejection) -> String {
        let details = rejection.details.map { "\($0.pointer.dropFirst()) \($0.value)" }.joined(separator: ", ")
        return "\(rejection.code)" + (rejection.detailsCode.map { " (\($0))" } ?? "")
            + (details.isEmpty ? "" : " (if it sends details: \(details))")
            + (rejection.closeCode.map { " then close \($0)" } ?? ", connection stays open")
    }

    /// `code` when the spec lists it among its `errorDetails`, else nil (no case demands it).
    private func detailCode(_ code: String) -> String? {
        spec.errorDetails.contains { $0.code == code } ? code : nil
    }

    private func jsonString(_ text: String) -> String {
        JSONTree.quote(text)
    }
}

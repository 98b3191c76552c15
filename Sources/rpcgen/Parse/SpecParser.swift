import Foundation

/// Stage 1: JSON text → `ParsedSpec`. Checks the shape of every section; references are
/// checked by the resolver.
struct SpecParser {
    private var diagnostics: DiagnosticCollector

    init(file: String) {
        diagnostics = DiagnosticCollector(file: file)
    }

    static func parse(contentsOf url: URL, displayName: String) throws -> ParsedSpec {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DiagnosticsError(diagnostics: [
                .error("cannot read spec: \(error.localizedDescription)", at: .root, file: displayName)
            ])
        }
        return try parse(data, file: displayName)
    }

    static func parse(_ data: Data, file: String) throws -> ParsedSpec {
        var parser = SpecParser(file: file)
        let tree = try JSONTree.parse(data, file: file)
        let spec = parser.parseDocument(tree)
        try parser.diagnostics.throwIfErrors()
        guard let spec else { throw DiagnosticsError(diagnostics: parser.diagnostics.diagnostics) }
        return spec
    }

    private mutating func parseDocument(_ tree: JSONTree) -> ParsedSpec? {
        guard var root = ObjectReader(tree, at: .root, what: "the spec", diagnostics: &diagnostics) else { return nil }
        let info = parseInfo(&root)
        let protocols = parseProtocols(&root)
        let limits = parseLimits(&root)
        let frames = parseFrames(&root)
        let scopes = parseScopes(&root)
        let errors = parseErrors(&root)
        let closeCodes = parseCloseCodes(&root)
        let errorDetails = parseErrorDetails(&root)
        let definitions = parseDefinitions(&root)
        let methods = parseMethods(&root)
        let events = parseEvents(&root)
        let eventOrder = parseEventOrder(&root)
        root.reportUnknownKeys(&diagnostics, allowed: ["$comment"])
        guard let info, !protocols.isEmpty, let limits, let frames else { return nil }
        return ParsedSpec(
            file: diagnostics.file, info: info, protocols: protocols, limits: limits, frames: frames,
            errorDetails: errorDetails, eventOrder: eventOrder, scopes: scopes, errors: errors, closeCodes: closeCodes,
            methods: methods, events: events, definitions: definitions)
    }

    /// `protocols`: version (as a string key) → `{summary, since?}`; at least one.
    private mutating func parseProtocols(_ root: inout ObjectReader) -> [ParsedSpec.ProtocolVersion] {
        guard root.has("protocols") || !root.has("protocol") else {
            diagnostics.error(
                "'protocol' was replaced by 'protocols'", at: JSONPointer.root.appending("protocol"),
                hint: "write \"protocols\": {\"3\": {\"summary\": \"…\"}}, one entry per version the spec describes")
            _ = root.value("protocol")
            return []
        }
        var versions: [ParsedSpec.ProtocolVersion] = []
        section(&root, "protocols") { parser, key, entry in
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            let since = entry.string("since", required: false, &parser.diagnostics)
            guard let version = Int(key), version >= 1, String(version) == key else {
                parser.diagnostics.error("protocol version '\(key)' must be a positive integer", at: entry.pointer)
                return
            }
            versions.append(.init(version: version, pointer: entry.pointer, summary: summary ?? "", since: since))
        }
        if versions.isEmpty, root.has("protocols") {
            diagnostics.error("'protocols' must list at least one version", at: JSONPointer.root.appending("protocols"))
        }
        return versions.sorted { $0.version < $1.version }
    }

    /// `errorDetails`: `details.code` → `{error, closeCode?, summary}` (optional section).
    private mutating func parseErrorDetails(_ root: inout ObjectReader) -> [ParsedSpec.ErrorDetail] {
        guard root.has("errorDetails") else { return [] }
        var details: [ParsedSpec.ErrorDetail] = []
        section(&root, "errorDetails") { parser, code, entry in
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            let error = entry.string("error", required: true, &parser.diagnostics)
            let closeCode = entry.integer("closeCode", required: false, &parser.diagnostics)
            if code.range(of: "^[A-Z][A-Z0-9_]*$", options: .regularExpression) == nil {
                parser.diagnostics.error("detail code '\(code)' must be UPPER_SNAKE_CASE", at: entry.pointer)
            }
            guard let error else { return }
            details.append(.init(
                code: code, pointer: entry.pointer, error: .init(name: error, pointer: entry.pointer.appending("error")),
                closeCode: closeCode, summary: summary ?? ""))
        }
        return details
    }

    /// `eventOrder`: a list of `{name, summary, correlate, steps}` (optional section).
    private mutating func parseEventOrder(_ root: inout ObjectReader) -> [ParsedSpec.OrderRule] {
        guard let items = root.array("eventOrder", required: false, &diagnostics) else { return [] }
        var rules: [ParsedSpec.OrderRule] = []
        for (index, item) in items.enumerated() {
            let pointer = JSONPointer.root.appending("eventOrder").appending(index)
            guard var reader = ObjectReader(item, at: pointer, what: "an event-order rule", diagnostics: &diagnostics) else { continue }
            let name = reader.string("name", required: true, &diagnostics)
            let summary = reader.string("summary", required: true, &diagnostics)
            let correlate = reader.string("correlate", required: true, &diagnostics)
            var steps: [ParsedSpec.OrderStep] = []
            for (stepIndex, stepTree) in (reader.array("steps", required: true, &diagnostics) ?? []).enumerated() {
                let stepPointer = pointer.appending("steps").appending(stepIndex)
                if let step = parseOrderStep(stepTree, at: stepPointer) { steps.append(step) }
            }
            reader.reportUnknownKeys(&diagnostics)
            if steps.count < 2 { diagnostics.error("an event-order rule needs at least two steps", at: pointer.appending("steps")) }
            if let name, name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) == nil {
                diagnostics.error("rule name '\(name)' must be lower-case words joined by '-'", at: pointer.appending("name"))
            }
            guard let name, let summary, let correlate else { continue }
            rules.append(.init(name: name, pointer: pointer, summary: summary, correlate: correlate, steps: steps))
        }
        return rules
    }

    /// `{"event": name, "match"?: {"/pointer": value}}` or `{"response": method}`.
    private mutating func parseOrderStep(_ tree: JSONTree, at pointer: JSONPointer) -> ParsedSpec.OrderStep? {
        guard var reader = ObjectReader(tree, at: pointer, what: "a step", diagnostics: &diagnostics) else { return nil }
        defer { reader.reportUnknownKeys(&diagnostics) }
        if reader.has("response") {
            guard let method = reader.string("response", required: true, &diagnostics) else { return nil }
            if reader.has("event") { diagnostics.error("a step is either an event or a response, not both", at: pointer) }
            return .response(.init(name: method, pointer: pointer.appending("response")))
        }
        guard let event = reader.string("event", required: true, &diagnostics) else { return nil }
        var match: [(pointer: String, value: JSONTree)] = []
        if let conditions = reader.object("match", required: false, &diagnostics) {
            for key in conditions.members.keys.sorted() {
                guard key.hasPrefix("/") else {
                    diagnostics.error("a match key must be a JSON pointer into the payload (\"/state\")", at: conditions.pointer.appending(key))
                    continue
                }
                match.append((key, conditions.members[key]!))
            }
        }
        return .event(.init(name: event, pointer: pointer.appending("event")), match: match, at: pointer)
    }

    private mutating func parseInfo(_ root: inout ObjectReader) -> ParsedSpec.Info? {
        guard var reader = root.object("info", required: true, &diagnostics) else { return nil }
        let title = reader.string("title", required: true, &diagnostics)
        let summary = reader.string("summary", required: true, &diagnostics)
        var info = ParsedSpec.Info(title: title ?? "", summary: summary ?? "")
        if var upstream = reader.object("upstream", required: false, &diagnostics) {
            info.upstreamName = upstream.string("name", required: true, &diagnostics)
            info.upstreamVersion = upstream.string("version", required: true, &diagnostics)
            info.upstreamSchema = upstream.string("schema", required: true, &diagnostics)
            info.upstreamProtocol = upstream.integer("protocol", required: false, &diagnostics)
            upstream.reportUnknownKeys(&diagnostics)
        }
        reader.reportUnknownKeys(&diagnostics)
        return info
    }

    private mutating func positive(_ reader: inout ObjectReader, _ key: String) -> Int? {
        guard let value = reader.integer(key, required: true, &diagnostics) else { return nil }
        if value < 0 { diagnostics.error("'\(key)' must not be negative", at: reader.pointer.appending(key)) }
        return value
    }

    private mutating func parseLimits(_ root: inout ObjectReader) -> ParsedSpec.Limits? {
        guard var reader = root.object("limits", required: true, &diagnostics) else { return nil }
        let maxPayload = positive(&reader, "maxPayload")
        let maxBuffered = positive(&reader, "maxBufferedBytes")
        let tick = positive(&reader, "tickIntervalMs")
        let handshake = positive(&reader, "handshakeTimeoutMs")
        var rate: (Int?, Int?, ParsedSpec.Named?) = (nil, nil, nil)
        if var rateReader = reader.object("rateLimit", required: true, &diagnostics) {
            rate.0 = positive(&rateReader, "messages")
            rate.1 = positive(&rateReader, "windowMs")
            rate.2 = rateReader.string("errorCode", required: true, &diagnostics)
                .map { .init(name: $0, pointer: rateReader.pointer.appending("errorCode")) }
            rateReader.reportUnknownKeys(&diagnostics)
        }
        var auth: (Int?, Int?, Int?) = (nil, nil, nil)
        if var authReader = reader.object("authFailureLimit", required: true, &diagnostics) {
            auth = (positive(&authReader, "failures"), positive(&authReader, "windowMs"), positive(&authReader, "lockoutMs"))
            authReader.reportUnknownKeys(&diagnostics)
        }
        reader.reportUnknownKeys(&diagnostics)
        guard let maxPayload, let maxBuffered, let tick, let handshake,
              let messages = rate.0, let window = rate.1, let code = rate.2,
              let failures = auth.0, let authWindow = auth.1, let lockout = auth.2
        else { return nil }
        return .init(
            maxPayload: maxPayload, maxBufferedBytes: maxBuffered, tickIntervalMs: tick, handshakeTimeoutMs: handshake,
            rateLimitMessages: messages, rateLimitWindowMs: window, rateLimitErrorCode: code,
            authFailures: failures, authFailureWindowMs: authWindow, authLockoutMs: lockout)
    }

    /// Reads `{"$ref": "#/definitions/Name"}` and returns the name.
    private mutating func reference(_ reader: inout ObjectReader, _ key: String) -> ParsedSpec.Named? {
        guard var refReader = reader.object(key, required: true, &diagnostics) else { return nil }
        let text = refReader.string("$ref", required: true, &diagnostics)
        refReader.reportUnknownKeys(&diagnostics, allowed: ["description"])
        let pointer = refReader.pointer
        guard let text else { return nil }
        guard text.hasPrefix(SchemaParser.definitionPrefix), text.count > SchemaParser.definitionPrefix.count else {
            diagnostics.error("'$ref' must be of the form '#/definitions/Name'", at: pointer.appending("$ref"))
            return nil
        }
        return .init(name: String(text.dropFirst(SchemaParser.definitionPrefix.count)), pointer: pointer)
    }

    private mutating func parseFrames(_ root: inout ObjectReader) -> ParsedSpec.Frames? {
        guard var reader = root.object("frames", required: true, &diagnostics) else { return nil }
        let request = reference(&reader, "request")
        let response = reference(&reader, "response")
        let event = reference(&reader, "event")
        let error = reference(&reader, "error")
        let cancel = reader.has("cancel") ? reference(&reader, "cancel") : nil
        reader.reportUnknownKeys(&diagnostics)
        guard let request, let response, let event, let error else { return nil }
        return .init(request: request, response: response, event: event, error: error, cancel: cancel)
    }

    /// Iterates the members of an object section in sorted key order.
    private mutating func section(_ root: inout ObjectReader, _ key: String, body: (inout SpecParser, String, inout ObjectReader) -> Void) {
        guard let reader = root.object(key, required: true, &diagnostics) else { return }
        for name in reader.members.keys.sorted() {
            guard var entry = ObjectReader(
                reader.members[name]!, at: reader.pointer.appending(name), what: "'\(name)'", diagnostics: &diagnostics)
            else { continue }
            body(&self, name, &entry)
            entry.reportUnknownKeys(&diagnostics)
        }
    }

    private mutating func parseScopes(_ root: inout ObjectReader) -> [ParsedSpec.Scope] {
        var scopes: [ParsedSpec.Scope] = []
        section(&root, "scopes") { parser, name, entry in
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            scopes.append(.init(name: name, summary: summary ?? ""))
        }
        return scopes
    }

    private mutating func parseErrors(_ root: inout ObjectReader) -> [ParsedSpec.ErrorCode] {
        var errors: [ParsedSpec.ErrorCode] = []
        section(&root, "errors") { parser, code, entry in
            let retryable = entry.bool("retryable", required: true, &parser.diagnostics)
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            if code.range(of: "^[A-Z][A-Z0-9_]*$", options: .regularExpression) == nil {
                parser.diagnostics.error("error code '\(code)' must be UPPER_SNAKE_CASE", at: entry.pointer)
            }
            errors.append(.init(code: code, retryable: retryable ?? false, summary: summary ?? ""))
        }
        return errors
    }

    private mutating func parseCloseCodes(_ root: inout ObjectReader) -> [ParsedSpec.CloseCode] {
        var codes: [ParsedSpec.CloseCode] = []
        section(&root, "closeCodes") { parser, key, entry in
            let name = entry.string("name", required: true, &parser.diagnostics)
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            guard let code = Int(key), (1000...4999).contains(code) else {
                parser.diagnostics.error("close code '\(key)' must be an integer in 1000...4999", at: entry.pointer)
                return
            }
            codes.append(.init(code: code, name: name ?? "", summary: summary ?? ""))
        }
        return codes.sorted { $0.code < $1.code }
    }

    private mutating func parseDefinitions(_ root: inout ObjectReader) -> [(name: String, schema: SchemaNode)] {
        guard let reader = root.object("definitions", required: true, &diagnostics) else { return [] }
        var schemaParser = SchemaParser(diagnostics: diagnostics)
        var definitions: [(name: String, schema: SchemaNode)] = []
        for name in reader.members.keys.sorted() {
            definitions.append((name, schemaParser.parse(reader.members[name]!, at: reader.pointer.appending(name))))
        }
        diagnostics = schemaParser.diagnostics
        return definitions
    }

    private mutating func names(_ reader: inout ObjectReader, _ key: String) -> [ParsedSpec.Named] {
        guard let items = reader.array(key, required: true, &diagnostics) else { return [] }
        var names: [ParsedSpec.Named] = []
        for (index, item) in items.enumerated() {
            let pointer = reader.pointer.appending(key).appending(index)
            guard let name = item.stringValue else {
                diagnostics.error("must be a string", at: pointer)
                continue
            }
            names.append(.init(name: name, pointer: pointer))
        }
        return names
    }

    private mutating func parseMethods(_ root: inout ObjectReader) -> [ParsedSpec.Method] {
        var methods: [ParsedSpec.Method] = []
        section(&root, "methods") { parser, name, entry in
            if let method = parser.parseMethod(name, &entry) { methods.append(method) }
        }
        return methods
    }

    private mutating func parseMethod(_ name: String, _ entry: inout ObjectReader) -> ParsedSpec.Method? {
        let summary = entry.string("summary", required: true, &diagnostics)
        let description = entry.string("description", required: false, &diagnostics)
        var scope: ParsedSpec.Named?
        switch entry.value("scope") {
        case nil: diagnostics.error("missing required key 'scope'", at: entry.pointer, hint: "use null for methods anyone may call")
        case .null?: scope = nil
        case .string(let value)?: scope = .init(name: value, pointer: entry.pointer.appending("scope"))
        case let other?: diagnostics.error("'scope' must be a string or null, found \(other.typeName)", at: entry.pointer.appending("scope"))
        }
        let params = reference(&entry, "params")
        let result = reference(&entry, "result")
        let emits = names(&entry, "emits")
        let errors = names(&entry, "errors")
        var examples: [ParsedSpec.Example] = []
        for (index, item) in (entry.array("examples", required: true, &diagnostics) ?? []).enumerated() {
            guard var example = ObjectReader(item, at: entry.pointer.appending("examples").appending(index), what: "an example", diagnostics: &diagnostics) else { continue }
            let exampleName = example.string("name", required: false, &diagnostics)
            let params = example.value("params")
            let result = example.value("result")
            let dependsOn = example.string("dependsOn", required: false, &diagnostics)
            let protocols = versionList(&example)
            if params == nil { diagnostics.error("missing required key 'params'", at: example.pointer) }
            if result == nil { diagnostics.error("missing required key 'result'", at: example.pointer) }
            example.reportUnknownKeys(&diagnostics)
            if let params, let result {
                examples.append(.init(
                    name: exampleName, pointer: example.pointer, params: params, result: result, dependsOn: dependsOn,
                    protocols: protocols))
            }
        }
        var invalid: [ParsedSpec.InvalidExample] = []
        for (index, item) in (entry.array("invalid", required: true, &diagnostics) ?? []).enumerated() {
            guard var example = ObjectReader(item, at: entry.pointer.appending("invalid").appending(index), what: "an invalid example", diagnostics: &diagnostics) else { continue }
            let exampleName = example.string("name", required: false, &diagnostics)
            let params = example.value("params")
            if params == nil { diagnostics.error("missing required key 'params'", at: example.pointer) }
            let error = example.string("error", required: true, &diagnostics)
            var details: [String: JSONTree] = [:]
            switch example.value("details") {
            case .object(let members)?: details = members
            case nil: break
            case let other?: diagnostics.error("must be an object, found \(other.typeName)", at: example.pointer.appending("details"))
            }
            let protocols = versionList(&example)
            example.reportUnknownKeys(&diagnostics)
            if let params, let error {
                invalid.append(.init(name: exampleName, pointer: example.pointer, params: params,
                                     error: .init(name: error, pointer: example.pointer.appending("error")), details: details,
                                     protocols: protocols))
            }
        }
        if examples.isEmpty { diagnostics.error("method '\(name)' needs at least one example", at: entry.pointer) }
        if invalid.isEmpty { diagnostics.error("method '\(name)' needs at least one invalid example", at: entry.pointer) }
        var upstreamParams: String?, upstreamResult: String?
        if var upstream = entry.object("x-upstream", required: false, &diagnostics) {
            for key in ["params", "result"] {
                switch upstream.value(key) {
                case .string(let value)?: if key == "params" { upstreamParams = value } else { upstreamResult = value }
                case .null?, nil: break
                case let other?: diagnostics.error("must be a string or null, found \(other.typeName)", at: upstream.pointer.appending(key))
                }
            }
            upstream.reportUnknownKeys(&diagnostics)
        }
        let deviation = entry.string("x-deviation", required: false, &diagnostics)
        let since = entry.string("x-since", required: false, &diagnostics)
        let rule = protocolRule(&entry)
        guard let summary, let params, let result else { return nil }
        return .init(
            name: name, pointer: entry.pointer, summary: summary, description: description, scope: scope,
            params: params, result: result, emits: emits, errors: errors, examples: examples, invalid: invalid,
            upstreamParams: upstreamParams, upstreamResult: upstreamResult, deviation: deviation, since: since,
            protocolRule: rule)
    }

    /// An example's `protocols`: a non-empty list of versions, or nil when absent.
    private mutating func versionList(_ reader: inout ObjectReader) -> [Int]? {
        guard let items = reader.array("protocols", required: false, &diagnostics) else { return nil }
        let versions = items.compactMap(\.integerValue)
        if versions.isEmpty || versions.count != items.count {
            diagnostics.error("'protocols' must be a non-empty list of protocol versions", at: reader.pointer.appending("protocols"))
            return nil
        }
        return versions.sorted()
    }

    /// A method's or event's `x-protocol` (`from` / `until` only).
    private mutating func protocolRule(_ reader: inout ObjectReader) -> ProtocolRule? {
        guard let tree = reader.value("x-protocol") else { return nil }
        return ProtocolRule.parse(tree, at: reader.pointer.appending("x-protocol"), allowRequirements: false, diagnostics: &diagnostics)
    }

    private mutating func parseEvents(_ root: inout ObjectReader) -> [ParsedSpec.Event] {
        var events: [ParsedSpec.Event] = []
        section(&root, "events") { parser, name, entry in
            let summary = entry.string("summary", required: true, &parser.diagnostics)
            let payload = parser.reference(&entry, "payload")
            let sequenced = entry.bool("sequenced", required: true, &parser.diagnostics)
            let items = entry.array("examples", required: true, &parser.diagnostics) ?? []
            if items.isEmpty { parser.diagnostics.error("event '\(name)' needs at least one example", at: entry.pointer) }
            let upstream = entry.string("x-upstream", required: false, &parser.diagnostics)
            let deviation = entry.string("x-deviation", required: false, &parser.diagnostics)
            let since = entry.string("x-since", required: false, &parser.diagnostics)
            let rule = parser.protocolRule(&entry)
            let subscription = parser.parseSubscription(&entry)
            guard let summary, let payload, let sequenced else { return }
            let examples = items.enumerated().map { (entry.pointer.appending("examples").appending($0.offset), $0.element) }
            events.append(.init(
                name: name, pointer: entry.pointer, summary: summary, payload: payload, sequenced: sequenced,
                examples: examples, upstream: upstream, deviation: deviation, since: since, protocolRule: rule,
                subscription: subscription))
        }
        return events
    }

    /// `subscription`: `{subscribe, unsubscribe, key?}`.
    private mutating func parseSubscription(_ entry: inout ObjectReader) -> ParsedSpec.Subscription? {
        guard var reader = entry.object("subscription", required: false, &diagnostics) else { return nil }
        let subscribe = reader.string("subscribe", required: true, &diagnostics)
        let unsubscribe = reader.string("unsubscribe", required: true, &diagnostics)
        let key = reader.string("key", required: false, &diagnostics)
        reader.reportUnknownKeys(&diagnostics)
        guard let subscribe, let unsubscribe else { return nil }
        return .init(
            pointer: reader.pointer, subscribe: .init(name: subscribe, pointer: reader.pointer.appending("subscribe")),
            unsubscribe: .init(name: unsubscribe, pointer: reader.pointer.appending("unsubscribe")), key: key)
    }
}

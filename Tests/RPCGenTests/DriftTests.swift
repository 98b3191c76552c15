import Foundation
import Testing
@testable import rpcgen

// Drift between `Spec/openclaw-rpc.json` and the published OpenClaw schema it tracks
// (`Spec/reference/openclaw-protocol.schema.json`).
//
// Every method's `x-upstream` (`{"params": name|null, "result": name|null}`) and every
// event's `x-upstream` name a definition of the upstream schema. The comparer walks our
// definition and that upstream definition in lockstep — through nested objects, arrays,
// nullables, maps and `$ref`s (ours resolved via the spec's `definitions`, upstream's via
// its `definitions`) — and records, for every property: presence on each side, the type
// `Signature`, requiredness, and for every object whether it allows additional properties.
//
// A difference is *declared* when our spec carries `x-deviation` or `x-since` on the
// differing node, on the property node, or on any node above it up to and including the
// compared definition (a `$ref` node and the definition it names both count). The
// method- or event-level `x-deviation` does not count: it documents behaviour, not shape.
@Suite("Drift from the published OpenClaw schema")
struct DriftTests {
    @Test("every definition named by x-upstream exists in the upstream schema")
    func everyUpstreamNameExists() throws {
        let fixture = try DriftFixture.load()
        var missing: [String] = []
        for pair in fixture.pairs where fixture.upstream[pair.upstreamName] == nil {
            missing.append("\(pair.owner): x-upstream names '\(pair.upstreamName)', which the upstream schema does not define")
        }
        #expect(missing.count == 0, "\(missing.joined(separator: "\n"))")
    }

    @Test("no undeclared drift: every difference from upstream carries x-deviation or x-since")
    func noUndeclaredDrift() throws {
        let fixture = try DriftFixture.load()
        let comparer = fixture.compareAll()
        let declared = comparer.differences.filter(\.isDeclared)
        let undeclared = comparer.differences.filter { !$0.isDeclared }
        print("drift: \(comparer.differences.count) differences, \(declared.count) declared, \(undeclared.count) undeclared")
        for difference in declared {
            print("drift: declared  \(difference.description) — \(difference.declaredBy.last?.summary ?? "")")
        }
        #expect(
            undeclared.count == 0,
            """
            \(undeclared.count) undeclared difference(s) from the upstream schema; fix the spec or mark the node \
            with x-deviation (or x-since for a newer upstream field):
            \(undeclared.map(\.description).joined(separator: "\n"))
            """)
    }

    /// The rule: every node carrying `x-deviation` or `x-since` that the comparison of an
    /// upstream-mapped definition *reaches* must have at least one difference recorded at it or
    /// below it. "Reached" means the comparer visited the node while walking a definition pair
    /// whose upstream definition exists; it does not descend below a node whose type already
    /// differs or a property missing on one side, so nodes under those are not reached. Nodes
    /// the drift comparison never reaches are out of scope: definitions with no upstream
    /// counterpart (`HealthParams`, `StatusParams`: their `x-deviation`s document stricter or
    /// looser validation than OpenClaw, not a shape difference), and method/event-level
    /// `x-deviation` (behaviour: rate limits, caps, timeouts). No text-based exemption is made:
    /// an `x-open-enum` is part of the enum's signature, so "accepted instead of rejected"
    /// deviations on open enums are real shape differences.
    @Test("every declared difference is real: no stale x-deviation / x-since on compared nodes")
    func everyDeclaredDifferenceIsReal() throws {
        let fixture = try DriftFixture.load()
        let comparer = fixture.compareAll()
        let stale = comparer.staleDeclarations
        #expect(
            stale.count == 0,
            """
            \(stale.count) x-deviation/x-since node(s) compared with upstream show no difference at or below them; \
            remove the stale marker or fix the node:
            \(stale.map { "\($0.pointer): \($0.summary)" }.joined(separator: "\n"))
            """)
    }

    @Test("the vendored upstream schema is byte-identical to the shared reference copy")
    func vendoredUpstreamSchemaIsUnmodified() throws {
        let root = try DriftFixture.packageRoot()
        let vendored = root.appendingPathComponent("Spec/reference/openclaw-protocol.schema.json")
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/reference/openclaw-protocol.schema.json")
        let vendoredBytes = try Data(contentsOf: vendored)
        if FileManager.default.fileExists(atPath: shared.path) {
            let sharedBytes = try Data(contentsOf: shared)
            #expect(
                vendoredBytes == sharedBytes,
                "Spec/reference/openclaw-protocol.schema.json differs from \(shared.path); the vendored schema must not be edited")
        } else {
            print("drift: \(shared.path) does not exist; compared nothing, checked only that the vendored schema parses")
        }
        let tree = try JSONTree.parse(vendoredBytes, file: vendored.lastPathComponent)
        let definitions = try #require(tree.objectValue?["definitions"]?.objectValue, "the vendored schema has no 'definitions'")
        #expect(definitions["ConnectParams"]?.objectValue != nil, "the vendored schema does not define ConnectParams")
    }

    @Test("the 27 methods' upstream mapping is complete")
    func upstreamMappingOfTheMethodsIsComplete() throws {
        let fixture = try DriftFixture.load()
        let methods = Dictionary(fixture.spec.methods.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let withUpstreamParams = [
            "connect", "chat.send", "chat.history", "chat.abort", "agents.list", "agent.identity.get",
            "sessions.list", "sessions.patch", "sessions.delete", "config.get", "models.list",
            "sessions.reset", "sessions.preview", "agent.wait", "chat.inject", "logs.tail", "channels.status",
            // `sessions.subscribe` takes `sessions.list`'s params.
            "sessions.subscribe",
        ]
        // Not in the 2026.2.18 schema: newer (x-since), or published without a params schema.
        let withoutUpstreamParams = [
            "health", "status", "sessions.unsubscribe", "sessions.messages.subscribe", "sessions.messages.unsubscribe",
            "sessions.create", "commands.list", "system-presence", "models.authStatus",
        ]
        let upstreamResults = [
            "connect": "HelloOk", "agents.list": "AgentsListResult",
            "agent.identity.get": "AgentIdentityResult", "models.list": "ModelsListResult",
            "logs.tail": "LogsTailResult", "channels.status": "ChannelsStatusResult",
        ]
        #expect(Set(methods.keys) == Set(withUpstreamParams + withoutUpstreamParams), "the spec should serve exactly these 27 methods")

        for name in withUpstreamParams {
            let method = try #require(methods[name], "method \(name) is missing from the spec")
            let upstreamParams = try #require(method.upstreamParams, "\(name): x-upstream.params should name an upstream definition")
            #expect(fixture.upstream[upstreamParams] != nil, "\(name): x-upstream.params '\(upstreamParams)' is not an upstream definition")
        }
        for name in withoutUpstreamParams {
            let method = try #require(methods[name], "method \(name) is missing from the spec")
            #expect(method.upstreamParams == nil, "\(name): OpenClaw publishes no params schema; x-upstream.params must be null")
        }
        for (name, method) in methods.sorted(by: { $0.key < $1.key }) {
            #expect(method.upstreamResult == upstreamResults[name], "\(name): x-upstream.result")
            // Completeness the other way round: an unmapped params/result definition must not
            // have a namesake upstream that the mapping forgot.
            if method.upstreamResult == nil {
                #expect(fixture.upstream[method.result.name] == nil,
                        "\(name): upstream defines \(method.result.name) but x-upstream.result is null")
            }
            if method.upstreamParams == nil {
                #expect(fixture.upstream[method.params.name] == nil,
                        "\(name): upstream defines \(method.params.name) but x-upstream.params is null")
            }
        }
    }
}

// MARK: - Loading

/// The parsed spec and the upstream schema's definitions, plus the definition pairs to compare.
private struct DriftFixture {
    struct Pair: Hashable {
        /// Where the mapping is declared, e.g. `method connect params`.
        var owner: String
        var ourName: String
        var upstreamName: String
    }

    var spec: ParsedSpec
    var ours: [String: SchemaNode]
    var upstream: [String: JSONTree]
    var pairs: [Pair]

    static func packageRoot(filePath: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        throw DriftError("no Package.swift above \(filePath)")
    }

    static func load() throws -> DriftFixture {
        let root = try packageRoot()
        let spec = try SpecParser.parse(
            contentsOf: root.appendingPathComponent("Spec/openclaw-rpc.json"), displayName: "Spec/openclaw-rpc.json")
        let upstreamFile = "Spec/reference/openclaw-protocol.schema.json"
        let upstreamTree = try JSONTree.parse(Data(contentsOf: root.appendingPathComponent(upstreamFile)), file: upstreamFile)
        guard let upstream = upstreamTree.objectValue?["definitions"]?.objectValue else {
            throw DriftError("\(upstreamFile) has no 'definitions' object")
        }
        var pairs: [Pair] = []
        for method in spec.methods {
            if let name = method.upstreamParams {
                pairs.append(.init(owner: "method \(method.name) params", ourName: method.params.name, upstreamName: name))
            }
            if let name = method.upstreamResult {
                pairs.append(.init(owner: "method \(method.name) result", ourName: method.result.name, upstreamName: name))
            }
        }
        for event in spec.events {
            if let name = event.upstream {
                pairs.append(.init(owner: "event \(event.name)", ourName: event.payload.name, upstreamName: name))
            }
        }
        return DriftFixture(
            spec: spec,
            ours: Dictionary(spec.definitions.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first }),
            upstream: upstream, pairs: pairs)
    }

    /// Compares every pair whose upstream definition exists (each distinct pair once), reading
    /// our spec as the protocol version the upstream schema describes.
    func compareAll() -> DriftComparer {
        let version = spec.info.upstreamProtocol ?? spec.protocols.last?.version ?? 1
        var comparer = DriftComparer(ours: ours, upstream: upstream, version: version)
        var seen: Set<[String]> = []
        for pair in pairs where upstream[pair.upstreamName] != nil {
            guard seen.insert([pair.ourName, pair.upstreamName]).inserted else { continue }
            comparer.compare(ours: pair.ourName, upstream: pair.upstreamName)
        }
        return comparer
    }
}

private struct DriftError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Signatures

/// The type of a schema node as the drift test compares it. Objects are opaque here (`object`);
/// their properties are compared one by one. Length and range limits are not compared.
private indirect enum Signature: Equatable, CustomStringConvertible {
    case any
    case null
    case boolean
    case integer
    case number
    /// A string, with its `const` value when it has one.
    case string(constant: String?)
    /// String values, sorted; `open` when `x-open-enum` accepts other values too.
    case enumeration([String], open: Bool)
    case array(Signature)
    case nullable(Signature)
    /// `patternProperties {"^(.*)$": X}`, `additionalProperties: X` without `properties`, or an
    /// object with neither properties nor a constraint on additional ones (`map<any>`).
    case map(Signature)
    case object
    /// An upstream `anyOf` of a shape the spec format cannot express; branches sorted.
    case union([Signature])
    /// Something the comparer could not read (an unresolved `$ref`, an unknown `type`).
    case unknown(String)

    var description: String {
        switch self {
        case .any: "any"
        case .null: "null"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string(let constant?): "string const \(JSONTree.quote(constant))"
        case .string(nil): "string"
        case .enumeration(let values, let open): (open ? "open enum{" : "enum{") + values.joined(separator: ",") + "}"
        case .array(let items): "array<\(items)>"
        case .nullable(let value): "nullable<\(value)>"
        case .map(let value): "map<\(value)>"
        case .object: "object"
        case .union(let branches): "anyOf<" + branches.map(\.description).joined(separator: "|") + ">"
        case .unknown(let what): "unknown(\(what))"
        }
    }
}

// MARK: - Comparison

/// Walks one of our definitions and an upstream definition side by side.
private struct DriftComparer {
    /// An `x-deviation` / `x-since` marker on one of our schema nodes.
    struct Declaration: Hashable {
        var pointer: JSONPointer
        var deviation: String?
        var since: String?

        var summary: String {
            switch (deviation, since) {
            case let (deviation?, since?): "x-since \(since); \(deviation)"
            case let (deviation?, nil): deviation
            case let (nil, since?): "x-since \(since)"
            case (nil, nil): ""
            }
        }
    }

    struct Difference: CustomStringConvertible {
        var path: String
        var message: String
        /// The markers on the differing node and its ancestors, outermost first.
        var declaredBy: [Declaration]

        var isDeclared: Bool { !declaredBy.isEmpty }
        var description: String { "\(path): \(message)" }
    }

    let ours: [String: SchemaNode]
    let upstream: [String: JSONTree]
    /// The protocol version our spec is read as: members that version lacks are not compared,
    /// members it requires count as required. Every `x-protocol` rule on a compared member is
    /// listed as a declared difference (what other versions change).
    let version: Int
    private(set) var differences: [Difference] = []
    /// Every marked node the comparison reached, and those with a difference at or below them.
    private var reached: [JSONPointer: Declaration] = [:]
    private var justified: Set<JSONPointer> = []

    init(ours: [String: SchemaNode], upstream: [String: JSONTree], version: Int) {
        self.ours = ours
        self.upstream = upstream
        self.version = version
    }

    /// Marked nodes reached with no difference at or below them, by pointer.
    var staleDeclarations: [Declaration] {
        reached.values.filter { !justified.contains($0.pointer) }.sorted { $0.pointer < $1.pointer }
    }

    mutating func compare(ours ourName: String, upstream upstreamName: String) {
        guard let ourNode = ours[ourName], let upstreamNode = upstream[upstreamName] else { return }
        let path = ourName == upstreamName ? ourName : "\(ourName)(upstream \(upstreamName))"
        walk(ourNode, upstreamNode, path: path, chain: [], depth: 0)
    }

    // MARK: Walking

    private mutating func walk(_ ourNode: SchemaNode, _ theirNode: JSONTree, path: String, chain: [Declaration], depth: Int) {
        var chain = chain
        let ourResolved = resolveOurs(ourNode, chain: &chain)
        let theirResolved = resolveUpstream(theirNode)
        guard depth < 64 else {
            record(path, "comparison deeper than 64 levels (a $ref cycle?)", chain)
            return
        }
        let ourSignature = signature(ofOurs: ourResolved)
        let theirSignature = signature(ofUpstream: theirResolved)
        guard ourSignature == theirSignature else {
            record(path, "type \(ourSignature) vs upstream \(theirSignature)", chain)
            return
        }
        // Same signature: descend into the parts the signature keeps opaque (objects) or
        // that carry their own markers (items, nullable values, map values).
        switch ourResolved?.kind {
        case .array(let items, _, _)?:
            walk(items, upstreamArrayItems(theirResolved), path: path + "/[]", chain: chain, depth: depth + 1)
        case .nullable(let value)?:
            if let theirValue = upstreamNullableValue(theirResolved) {
                walk(value, theirValue, path: path, chain: chain, depth: depth + 1)
            }
        case .object(let rules)?:
            if let value = rules.mapValue {
                if let theirValue = upstreamMapValue(theirResolved) {
                    walk(value, theirValue, path: path + "/{}", chain: chain, depth: depth + 1)
                }
            } else if case .object = ourSignature {
                compareObject(rules, theirResolved?.objectValue ?? [:], path: path, chain: chain, depth: depth)
            }
        default:
            break
        }
    }

    private mutating func compareObject(
        _ rules: SchemaNode.ObjectRules, _ theirs: [String: JSONTree], path: String, chain: [Declaration], depth: Int
    ) {
        let ourAdditional: String = switch rules.additional {
        case .forbidden: "false"
        case .allowed: "true"
        case .schema: "a schema"
        }
        let theirAdditional: String = switch theirs["additionalProperties"] {
        case nil, .bool(true)?: "true"
        case .bool(false)?: "false"
        default: "a schema"
        }
        if ourAdditional != theirAdditional {
            record(path, "additionalProperties \(ourAdditional) vs upstream \(theirAdditional)", chain)
        }

        let theirProperties = theirs["properties"]?.objectValue ?? [:]
        var ourProperties = Dictionary(rules.properties.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first })
        var ourRequired = Set(rules.required)
        for (name, property) in rules.properties {
            guard let rule = property.extensions.protocolRule else { continue }
            let declaration = Declaration(pointer: rule.pointer, deviation: "x-protocol: " + Self.describe(rule), since: nil)
            reached[rule.pointer] = declaration
            record(path + "/" + name, Self.describe(rule) + " (protocol \(version) reads it as the reference does)", chain + [declaration])
            if !rule.isAvailable(in: version) { ourProperties[name] = nil }
            if rule.isRequired(in: version), rule.when.isEmpty { ourRequired.insert(name) }
        }
        let theirRequired = Set(theirs["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for name in Set(ourProperties.keys).union(theirProperties.keys).sorted() {
            let propertyPath = path + "/" + name
            switch (ourProperties[name], theirProperties[name]) {
            case let (ourProperty?, theirProperty?):
                if ourRequired.contains(name) != theirRequired.contains(name) {
                    var propertyChain = chain
                    markers(of: ourProperty, into: &propertyChain)
                    let ourWord = ourRequired.contains(name) ? "required" : "optional"
                    let theirWord = theirRequired.contains(name) ? "required" : "optional"
                    record(propertyPath, "\(ourWord) vs upstream \(theirWord)", propertyChain)
                }
                walk(ourProperty, theirProperty, path: propertyPath, chain: chain, depth: depth + 1)
            case let (ourProperty?, nil):
                var propertyChain = chain
                markers(of: ourProperty, into: &propertyChain)
                record(propertyPath, "missing upstream (ours: \(signature(ofOurs: ourProperty)))", propertyChain)
            case let (nil, theirProperty?):
                record(propertyPath, "missing here (upstream: \(signature(ofUpstream: resolveUpstream(theirProperty))))", chain)
            case (nil, nil):
                break
            }
        }
    }

    /// `from protocol 4`, `required until protocol 3`, … for the drift report.
    static func describe(_ rule: ProtocolRule) -> String {
        var parts: [String] = []
        if let from = rule.from { parts.append("exists from protocol \(from)") }
        if let until = rule.until { parts.append("exists until protocol \(until)") }
        if let from = rule.requiredFrom { parts.append("required from protocol \(from)") }
        if let until = rule.requiredUntil { parts.append("required until protocol \(until)") }
        if !rule.when.isEmpty { parts.append("when " + rule.when.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }

    private mutating func record(_ path: String, _ message: String, _ chain: [Declaration]) {
        differences.append(Difference(path: path, message: message, declaredBy: chain))
        for declaration in chain { justified.insert(declaration.pointer) }
    }

    /// Appends the node's marker (if any) to `chain` and notes it as reached.
    private mutating func markers(of node: SchemaNode, into chain: inout [Declaration]) {
        guard node.extensions.deviation != nil || node.extensions.since != nil else { return }
        let declaration = Declaration(pointer: node.pointer, deviation: node.extensions.deviation, since: node.extensions.since)
        reached[node.pointer] = declaration
        if !chain.contains(declaration) { chain.append(declaration) }
    }

    // MARK: Our side

    /// Follows `$ref`s to the definition they name, collecting the markers of every node passed.
    /// Nil when a `$ref` does not resolve (or refs loop).
    private mutating func resolveOurs(_ node: SchemaNode, chain: inout [Declaration]) -> SchemaNode? {
        var current = node
        for _ in 0..<32 {
            markers(of: current, into: &chain)
            guard case .ref(let name) = current.kind else { return current }
            guard let target = ours[name] else { return nil }
            current = target
        }
        return nil
    }

    /// Our node's signature; `$ref`s inside arrays, nullables and maps are resolved.
    private func signature(ofOurs node: SchemaNode?) -> Signature {
        signature(ofOurs: node, hops: 0)
    }

    private func signature(ofOurs node: SchemaNode?, hops: Int) -> Signature {
        guard let node else { return .unknown("unresolved $ref") }
        guard hops < 32 else { return .unknown("$ref cycle") }
        switch node.kind {
        case .any: return .any
        case .ref(let name): return signature(ofOurs: ours[name], hops: hops + 1)
        case .null: return .null
        case .boolean: return .boolean
        case .string(let rules): return .string(constant: rules.constant)
        case .integer: return .integer
        case .number: return .number
        case .array(let items, _, _): return .array(signature(ofOurs: items, hops: hops + 1))
        case .object(let rules):
            if let value = rules.mapValue { return .map(signature(ofOurs: value, hops: hops + 1)) }
            if rules.properties.isEmpty, rules.additional == .allowed { return .map(.any) }
            return .object
        case .enumeration(let values): return .enumeration(values.sorted(), open: node.extensions.openEnum)
        case .nullable(let value): return .nullable(signature(ofOurs: value, hops: hops + 1))
        }
    }

    // MARK: Upstream side

    /// Follows upstream `$ref`s (`#/definitions/Name`); nil when one does not resolve.
    private func resolveUpstream(_ tree: JSONTree) -> JSONTree? {
        var current = tree
        for _ in 0..<32 {
            guard let reference = current.objectValue?["$ref"]?.stringValue else { return current }
            let prefix = "#/definitions/"
            guard reference.hasPrefix(prefix), let target = upstream[String(reference.dropFirst(prefix.count))] else {
                return nil
            }
            current = target
        }
        return nil
    }

    /// The string value of a branch `{"const": "x"}` / `{"type": "string", "const": "x"}`, else nil.
    private func stringConstant(_ branch: JSONTree) -> String? {
        guard let members = branch.objectValue, let value = members["const"]?.stringValue else { return nil }
        guard Set(members.keys).isSubset(of: ["const", "type", "description", "title"]) else { return nil }
        let typeIsString = members["type"].map { $0 == .string("string") } ?? true
        return typeIsString ? value : nil
    }

    private func isNullBranch(_ branch: JSONTree) -> Bool {
        branch.objectValue?["type"] == .string("null") && branch.objectValue?.count == 1
    }

    private func signature(ofUpstream tree: JSONTree?) -> Signature {
        signature(ofUpstream: tree, hops: 0)
    }

    private func signature(ofUpstream tree: JSONTree?, hops: Int) -> Signature {
        guard let tree, let resolved = resolveUpstream(tree) else { return .unknown("unresolved $ref") }
        guard hops < 32 else { return .unknown("nesting too deep") }
        guard let members = resolved.objectValue else { return .unknown("schema is \(resolved.typeName)") }
        if let branches = members["anyOf"]?.arrayValue {
            return anyOfSignature(branches, hops: hops)
        }
        if let values = members["enum"]?.arrayValue {
            let strings = values.compactMap(\.stringValue)
            return strings.count == values.count ? .enumeration(strings.sorted(), open: false) : .unknown("non-string enum")
        }
        switch members["type"] {
        case nil:
            if let constant = members["const"]?.stringValue { return .string(constant: constant) }
            return .any
        case .array(let types)?:
            return .union(types.map { signature(ofUpstream: .object(["type": $0]), hops: hops + 1) }
                .sorted { $0.description < $1.description })
        case .string(let type)?:
            switch type {
            case "null": return .null
            case "boolean": return .boolean
            case "integer": return .integer
            case "number": return .number
            case "string": return .string(constant: members["const"]?.stringValue)
            case "array": return .array(members["items"].map { signature(ofUpstream: $0, hops: hops + 1) } ?? .any)
            case "object":
                if let value = upstreamMapValue(resolved) { return .map(signature(ofUpstream: value, hops: hops + 1)) }
                return .object
            default: return .unknown("type \(type)")
            }
        case let other?:
            return .unknown("type \(other.compactText)")
        }
    }

    /// Upstream `anyOf`, read the way rpcgen reads ours: all string consts → enum; one schema plus
    /// null → nullable; string consts plus null → nullable enum; anything else → a union.
    private func anyOfSignature(_ branches: [JSONTree], hops: Int) -> Signature {
        let constants = branches.compactMap(stringConstant)
        if !branches.isEmpty, constants.count == branches.count {
            return .enumeration(constants.sorted(), open: false)
        }
        let others = branches.filter { !isNullBranch($0) }
        if others.count == branches.count - 1 {
            if others.count == 1, let value = others.first {
                return .nullable(signature(ofUpstream: value, hops: hops + 1))
            }
            let otherConstants = others.compactMap(stringConstant)
            if !others.isEmpty, otherConstants.count == others.count {
                return .nullable(.enumeration(otherConstants.sorted(), open: false))
            }
        }
        return .union(branches.map { signature(ofUpstream: $0, hops: hops + 1) }.sorted { $0.description < $1.description })
    }

    private func upstreamArrayItems(_ tree: JSONTree?) -> JSONTree {
        tree?.objectValue?["items"] ?? .object([:])
    }

    /// The non-null branch of an upstream nullable `anyOf`; for string consts plus null, the
    /// consts as one enum-shaped `anyOf`.
    private func upstreamNullableValue(_ tree: JSONTree?) -> JSONTree? {
        guard let branches = tree?.objectValue?["anyOf"]?.arrayValue else { return nil }
        let others = branches.filter { !isNullBranch($0) }
        if others.count == 1 { return others.first }
        return .object(["anyOf": .array(others)])
    }

    /// The value schema of an upstream map-shaped object, or nil when it has properties.
    private func upstreamMapValue(_ tree: JSONTree?) -> JSONTree? {
        guard let members = tree?.objectValue else { return nil }
        if let properties = members["properties"]?.objectValue, !properties.isEmpty { return nil }
        if let patterns = members["patternProperties"]?.objectValue {
            return patterns.count == 1 ? patterns["^(.*)$"] : nil
        }
        switch members["additionalProperties"] {
        case .object?: return members["additionalProperties"]
        case nil, .bool(true)?: return .object([:])
        default: return nil
        }
    }
}

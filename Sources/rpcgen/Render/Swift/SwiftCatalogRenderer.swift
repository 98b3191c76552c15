/// Renders `Catalog.swift`: names, scopes, error codes, close codes, limits, the examples of
/// every method and event, and the typed event enum — everything the runtime and the tests
/// read from the spec at run time.
enum SwiftCatalogRenderer {
    static func render(_ spec: IRSpec) -> String {
        var writer = CodeWriter()
        writer.lines(SwiftTypesRenderer.header)
        writer.line("import Foundation")
        writer.line(SwiftTypesRenderer.runtimeImport)
        writer.line()
        writeProtocolInfo(spec, into: &writer)
        writer.line()
        writeMethodNames(spec, into: &writer)
        writer.line()
        writeEventNames(spec, into: &writer)
        writer.line()
        writeErrorCodes(spec, into: &writer)
        writer.line()
        writeScopes(spec, into: &writer)
        writer.line()
        writeCloseCodes(spec, into: &writer)
        writer.line()
        writeErrorDetails(spec, into: &writer)
        writer.line()
        writeExamples(spec, into: &writer)
        writer.line()
        writeGatewayEvent(spec, into: &writer)
        writer.line()
        writeErrorShape(spec, into: &writer)
        return writer.text
    }

    private static func frameObject(_ spec: IRSpec, _ name: String) -> IRObject? {
        for case .object(let object) in spec.types where object.name == name { return object }
        return nil
    }

    /// `v3`, `v4`, …
    static func versionMember(_ version: Int) -> String { "v\(version)" }

    private static func versionList(_ versions: [Int]) -> String {
        "[" + versions.map { "." + versionMember($0) }.joined(separator: ", ") + "]"
    }

    private static func writeProtocolVersion(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// A protocol version the spec describes (`hello-ok.protocol`). Only these values exist.")
        writer.block("public struct ProtocolVersion: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible") { writer in
            writer.line("public let rawValue: Int")
            writer.line()
            writer.line("/// The version with this number, or nil when the spec does not describe it.")
            writer.block("public init?(rawValue: Int)") { writer in
                writer.line("guard Self.supported.contains(where: { $0.rawValue == rawValue }) else { return nil }")
                writer.line("self.rawValue = rawValue")
            }
            writer.line()
            writer.block("private init(known rawValue: Int)") { $0.line("self.rawValue = rawValue") }
            for version in spec.protocols {
                writer.line()
                writer.line("/// \(version.summary)" + (version.since.map { " Since OpenClaw \($0)." } ?? ""))
                writer.line("public static let \(versionMember(version.version)) = ProtocolVersion(known: \(version.version))")
            }
            writer.line()
            writer.line("/// Every version, oldest first.")
            writer.line("public static let supported: [ProtocolVersion] = \(versionList(spec.allProtocols))")
            writer.line("/// The newest version: what a client offering all of them gets.")
            writer.line("public static let newest: ProtocolVersion = .\(versionMember(spec.newestProtocol))")
            writer.line("/// The oldest version still served.")
            writer.line("public static let oldest: ProtocolVersion = .\(versionMember(spec.allProtocols.first ?? spec.newestProtocol))")
            if let upstream = spec.upstreamProtocol {
                writer.line("/// The version the published upstream schema describes.")
                writer.line("public static let upstream: ProtocolVersion = .\(versionMember(upstream))")
            }
            writer.line()
            writer.line("/// The newest version a client offering `min...max` speaks, or nil when the ranges do not")
            writer.line("/// meet. Compares only: any integers a client sends are safe.")
            writer.block("public static func negotiate(min: Int, max: Int) -> ProtocolVersion?") { writer in
                writer.line("supported.last { min <= $0.rawValue && $0.rawValue <= max }")
            }
            writer.line()
            writer.line("/// What the version is.")
            writer.block("public var summary: String") { writer in
                writer.block("switch rawValue") { writer in
                    for version in spec.protocols {
                        writer.line("case \(version.version): \(SwiftIdentifier.literal(version.summary))")
                    }
                    writer.line("default: \"\"")
                }
            }
            writer.line()
            writer.line("public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }")
            writer.line()
            writer.line("public var description: String { String(rawValue) }")
        }
    }

    private static func writeProtocolInfo(_ spec: IRSpec, into writer: inout CodeWriter) {
        writeProtocolVersion(spec, into: &writer)
        writer.line()
        writer.line("/// Facts about the protocol the spec describes.")
        writer.block("public enum ProtocolInfo") { writer in
            writer.line("/// \(spec.title)")
            writer.line("public static let title = \(SwiftIdentifier.literal(spec.title))")
            if let upstream = spec.upstream {
                writer.line("/// The published OpenClaw schema the spec tracks.")
                writer.line("public static let upstream = \(SwiftIdentifier.literal(upstream))")
            }
            writer.line("/// Every method of every version.")
            writer.line("public static let methods: [String] = MethodName.allCases.map(\\.rawValue)")
            writer.line("/// Every event of every version.")
            writer.line("public static let events: [String] = EventName.allCases.map(\\.rawValue)")
            writer.line()
            writer.line("/// The methods of `version`, for its `hello-ok.features.methods`.")
            writer.block("public static func methods(for version: ProtocolVersion) -> [String]") { writer in
                writer.line("MethodName.allCases.filter { $0.isAvailable(in: version) }.map(\\.rawValue)")
            }
            writer.line()
            writer.line("/// The events of `version`, for its `hello-ok.features.events`.")
            writer.block("public static func events(for version: ProtocolVersion) -> [String]") { writer in
                writer.line("EventName.allCases.filter { $0.isAvailable(in: version) }.map(\\.rawValue)")
            }
        }
        writer.line()
        let limits = spec.limits
        writer.line("/// The protocol's limits and their defaults.")
        writer.block("public enum ProtocolLimits") { writer in
            let entries: [(String, String, String)] = [
                ("maxPayload", "\(limits.maxPayload)", "Largest inbound message in bytes (`policy.maxPayload`)."),
                ("maxBufferedBytes", "\(limits.maxBufferedBytes)", "Outbound bytes buffered for one client before it is closed as a slow consumer."),
                ("tickIntervalMs", "\(limits.tickIntervalMs)", "Interval of `tick` events."),
                ("handshakeTimeoutMs", "\(limits.handshakeTimeoutMs)", "Time a client has to complete `connect`."),
                ("rateLimitMessages", "\(limits.rateLimitMessages)", "Write requests allowed per client identity per window."),
                ("rateLimitWindowMs", "\(limits.rateLimitWindowMs)", "The rate-limit window."),
                ("rateLimitErrorCode", "ErrorCode.\(SwiftTypeSpelling.errorCase(limits.rateLimitErrorCode))", "The error code of a rate-limited request."),
                ("authFailures", "\(limits.authFailures)", "Failed authentications allowed per address per window."),
                ("authFailureWindowMs", "\(limits.authFailureWindowMs)", "The authentication-failure window."),
                ("authLockoutMs", "\(limits.authLockoutMs)", "How long an address is locked out after too many failures."),
            ]
            for (name, value, doc) in entries {
                writer.line("/// \(doc)")
                writer.line("public static let \(name) = \(value)")
            }
        }
    }

    private static func writeMethodNames(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The methods of the protocol.")
        writer.block("public enum MethodName: String, Codable, Sendable, CaseIterable") { writer in
            for method in spec.methods {
                writer.line("/// \(method.summary)")
                writer.line("case \(SwiftIdentifier.member(method.name)) = \(SwiftIdentifier.literal(method.name))")
            }
            writer.line()
            writer.line("/// The scope a caller needs, or nil when anyone may call the method.")
            writer.block("public var scope: Scope?") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        writer.line("case .\(SwiftIdentifier.member(method.name)): \(method.scope.map { ".\(SwiftIdentifier.member($0))" } ?? "nil")")
                    }
                }
            }
            writer.line()
            writer.line("/// The events the method may cause.")
            writer.block("public var emits: [EventName]") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        let events = method.emits.map { ".\(SwiftIdentifier.member($0))" }.joined(separator: ", ")
                        writer.line("case .\(SwiftIdentifier.member(method.name)): [\(events)]")
                    }
                }
            }
            writer.line()
            writer.line("/// The error codes the method may return.")
            writer.block("public var errors: [ErrorCode]") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        let codes = method.errors.map { ".\(SwiftTypeSpelling.errorCase($0))" }.joined(separator: ", ")
                        writer.line("case .\(SwiftIdentifier.member(method.name)): [\(codes)]")
                    }
                }
            }
            writer.line()
            writer.line("/// The definition names of the method's params and result schemas.")
            writer.block("public var schemas: (params: String, result: String)") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        writer.line("case .\(SwiftIdentifier.member(method.name)): (\(SwiftIdentifier.literal(method.paramsSchema)), \(SwiftIdentifier.literal(method.resultSchema)))")
                    }
                }
            }
            writer.line()
            writer.line("/// The protocol versions the method exists in.")
            writer.block("public var protocols: [ProtocolVersion]") { writer in
                let all = spec.allProtocols
                let limited = spec.methods.filter { $0.protocols != all }
                if limited.isEmpty {
                    writer.line("ProtocolVersion.supported")
                } else {
                    writer.block("switch self") { writer in
                        for method in limited {
                            writer.line("case .\(SwiftIdentifier.member(method.name)): \(versionList(method.protocols))")
                        }
                        writer.line("default: ProtocolVersion.supported")
                    }
                }
            }
            writer.line()
            writer.line("/// Whether clients of `version` may call it (else it is an unknown method to them).")
            writer.line("public func isAvailable(in version: ProtocolVersion) -> Bool { protocols.contains(version) }")
        }
    }

    private static func writeEventNames(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The events a gateway sends.")
        writer.block("public enum EventName: String, Codable, Sendable, CaseIterable, SubscribableEvent") { writer in
            for event in spec.events {
                writer.line("/// \(event.summary)")
                writer.line("case \(SwiftIdentifier.member(event.name)) = \(SwiftIdentifier.literal(event.name))")
            }
            writer.line()
            writer.line("/// Whether the event frame carries a `seq`.")
            writer.block("public var isSequenced: Bool") { writer in
                writer.block("switch self") { writer in
                    for event in spec.events {
                        writer.line("case .\(SwiftIdentifier.member(event.name)): \(event.sequenced)")
                    }
                }
            }
            writer.line()
            writer.line("/// The definition name of the event's payload schema.")
            writer.block("public var payloadSchema: String") { writer in
                writer.block("switch self") { writer in
                    for event in spec.events {
                        writer.line("case .\(SwiftIdentifier.member(event.name)): \(SwiftIdentifier.literal(event.payloadSchema))")
                    }
                }
            }
            writer.line()
            writer.line("/// The protocol versions the event exists in.")
            writer.block("public var protocols: [ProtocolVersion]") { writer in
                let limited = spec.events.filter { $0.protocols != spec.allProtocols }
                if limited.isEmpty {
                    writer.line("ProtocolVersion.supported")
                } else {
                    writer.block("switch self") { writer in
                        for event in limited {
                            writer.line("case .\(SwiftIdentifier.member(event.name)): \(versionList(event.protocols))")
                        }
                        writer.line("default: ProtocolVersion.supported")
                    }
                }
            }
            writer.line()
            writer.line("/// Whether clients of `version` receive it.")
            writer.line("public func isAvailable(in version: ProtocolVersion) -> Bool { protocols.contains(version) }")
            writer.line()
            writer.line("/// How a connection asks for the event, or nil when every connection allowed to read gets it.")
            writer.block("public var subscription: EventSubscription?") { writer in
                let gated = spec.events.filter { $0.subscription != nil }
                if gated.isEmpty {
                    writer.line("nil")
                } else {
                    writer.block("switch self") { writer in
                        for event in gated {
                            guard let subscription = event.subscription else { continue }
                            let key = subscription.key.map(SwiftIdentifier.literal) ?? "nil"
                            writer.line("case .\(SwiftIdentifier.member(event.name)): EventSubscription(subscribe: \(SwiftIdentifier.literal(subscription.subscribe)), unsubscribe: \(SwiftIdentifier.literal(subscription.unsubscribe)), keyField: \(key))")
                        }
                        writer.line("default: nil")
                    }
                }
            }
        }
        writer.line()
        writer.line("/// The subscription-gated events one connection asked for.")
        writer.line("public typealias EventSubscriptions = EventSubscriptionSet<EventName>")
    }

    private static func writeErrorCodes(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The error codes of the protocol.")
        writer.block("public enum ErrorCode: String, Codable, Sendable, CaseIterable") { writer in
            for error in spec.errors {
                writer.line("/// \(error.summary)")
                writer.line("case \(SwiftTypeSpelling.errorCase(error.code)) = \(SwiftIdentifier.literal(error.code))")
            }
            writer.line()
            writer.line("/// Whether a client may retry a request that failed with this code.")
            writer.block("public var isRetryable: Bool") { writer in
                writer.block("switch self") { writer in
                    for error in spec.errors {
                        writer.line("case .\(SwiftTypeSpelling.errorCase(error.code)): \(error.retryable)")
                    }
                }
            }
        }
        writer.line()
        writer.line("/// An error a method throws to answer with one of the protocol's error codes.")
        writer.line("public typealias GatewayError = RPCError<ErrorCode>")
    }

    private static func writeScopes(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The authorization scopes methods require.")
        writer.block("public enum Scope: String, Codable, Sendable, CaseIterable") { writer in
            for scope in spec.scopes {
                writer.line("/// \(scope.summary)")
                writer.line("case \(SwiftIdentifier.member(scope.name)) = \(SwiftIdentifier.literal(scope.name))")
            }
        }
    }

    private static func writeCloseCodes(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The WebSocket close codes the protocol uses.")
        writer.block("public enum CloseCode: UInt16, Sendable, CaseIterable") { writer in
            for code in spec.closeCodes {
                writer.line("/// \(code.summary)")
                writer.line("case \(SwiftIdentifier.member(code.name)) = \(code.code)")
            }
        }
    }

    private static func writeErrorDetails(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// The `error.details.code` values of failed responses (handshake failures mostly).")
        guard !spec.errorDetails.isEmpty else {
            writer.line("public enum ErrorDetailCode: Sendable, CaseIterable {}")
            return
        }
        writer.block("public enum ErrorDetailCode: String, Sendable, CaseIterable") { writer in
            for detail in spec.errorDetails {
                writer.line("/// \(detail.summary)")
                writer.line("case \(SwiftTypeSpelling.errorCase(detail.code)) = \(SwiftIdentifier.literal(detail.code))")
            }
            guard !spec.errorDetails.isEmpty else { return }
            writer.line()
            writer.line("/// The error code of the response that carries it.")
            writer.block("public var errorCode: ErrorCode") { writer in
                writer.block("switch self") { writer in
                    for detail in spec.errorDetails {
                        writer.line("case .\(SwiftTypeSpelling.errorCase(detail.code)): .\(SwiftTypeSpelling.errorCase(detail.error))")
                    }
                }
            }
            writer.line()
            writer.line("/// The close code that follows the response, or nil when the connection stays open.")
            writer.block("public var closeCode: CloseCode?") { writer in
                writer.block("switch self") { writer in
                    for detail in spec.errorDetails {
                        let close = detail.closeCode.flatMap { code in spec.closeCodes.first { $0.code == code } }
                        writer.line("case .\(SwiftTypeSpelling.errorCase(detail.code)): \(close.map { ".\(SwiftIdentifier.member($0.name))" } ?? "nil")")
                    }
                }
            }
        }
    }

    private static func writeExamples(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// A spec example: JSON text of params and the result they produce.")
        writer.block("public struct MethodExample: Sendable") { writer in
            writer.line("public var name: String?")
            writer.line("public var params: String")
            writer.line("public var result: String")
            writer.line("/// The protocol versions it applies to.")
            writer.line("public var protocols: [ProtocolVersion]")
        }
        writer.line()
        writer.line("/// A spec example of params that must be rejected, and the error code.")
        writer.block("public struct InvalidMethodExample: Sendable") { writer in
            writer.line("public var name: String?")
            writer.line("public var params: String")
            writer.line("public var error: ErrorCode")
            writer.line("public var protocols: [ProtocolVersion]")
        }
        writer.line()
        writer.block("extension MethodName") { writer in
            writer.line("/// The spec's valid examples of this method.")
            writer.block("public var examples: [MethodExample]") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        writer.line("case .\(SwiftIdentifier.member(method.name)):")
                        writer.indented { writer in
                            writer.line("[")
                            writer.indented { writer in
                                for example in method.examples {
                                    writer.line("MethodExample(")
                                    writer.indented { writer in
                                        writer.line("name: \(example.name.map(SwiftIdentifier.literal) ?? "nil"),")
                                        writer.line("params: \(SwiftIdentifier.literal(example.params)),")
                                        writer.line("result: \(SwiftIdentifier.literal(example.result)),")
                                        writer.line("protocols: \(versionList(example.protocols))")
                                    }
                                    writer.line("),")
                                }
                            }
                            writer.line("]")
                        }
                    }
                }
            }
            writer.line()
            writer.line("/// The spec's invalid-params examples of this method.")
            writer.block("public var invalidExamples: [InvalidMethodExample]") { writer in
                writer.block("switch self") { writer in
                    for method in spec.methods {
                        writer.line("case .\(SwiftIdentifier.member(method.name)):")
                        writer.indented { writer in
                            writer.line("[")
                            writer.indented { writer in
                                for example in method.invalid {
                                    writer.line(
                                        "InvalidMethodExample(name: \(example.name.map(SwiftIdentifier.literal) ?? "nil"), params: \(SwiftIdentifier.literal(example.params)), error: .\(SwiftTypeSpelling.errorCase(example.error)), protocols: \(versionList(example.protocols))),")
                                }
                            }
                            writer.line("]")
                        }
                    }
                }
            }
        }
        writer.line()
        writer.block("extension EventName") { writer in
            writer.line("/// The spec's example payloads of this event, as JSON text.")
            writer.block("public var examples: [String]") { writer in
                writer.block("switch self") { writer in
                    for event in spec.events {
                        let examples = event.examples.map(SwiftIdentifier.literal).joined(separator: ", ")
                        writer.line("case .\(SwiftIdentifier.member(event.name)): [\(examples)]")
                    }
                }
            }
        }
    }

    private static func writeGatewayEvent(_ spec: IRSpec, into writer: inout CodeWriter) {
        writer.line("/// An event with its typed payload.")
        writer.block("public enum GatewayEvent: Sendable, Equatable") { writer in
            for event in spec.events {
                writer.line("/// \(event.summary)")
                writer.line("case \(SwiftIdentifier.member(event.name))(\(event.payloadType))")
            }
            writer.line()
            writer.block("public var name: EventName") { writer in
                writer.block("switch self") { writer in
                    for event in spec.events {
                        writer.line("case .\(SwiftIdentifier.member(event.name)): .\(SwiftIdentifier.member(event.name))")
                    }
                }
            }
            writer.line()
            writer.line("/// The payload as a JSON value (its encoded text, parsed).")
            writer.block("public func payloadValue() throws -> JSONValue") { writer in
                writer.line("try JSONValue.parse(encodedPayload(with: JSONEncoder()))")
            }
            writer.line()
            writer.line("/// The payload's JSON text, encoded straight from the typed value.")
            writer.block("public func encodedPayload(with encoder: JSONEncoder) throws -> Data") { writer in
                writer.block("switch self") { writer in
                    for event in spec.events {
                        writer.line("case .\(SwiftIdentifier.member(event.name))(let payload): try encoder.encode(payload)")
                    }
                }
            }
            writer.line()
            writer.line("/// The payload member a keyed subscription names (`EventName.subscription`), or nil.")
            writer.block("public var subscriptionKey: String?") { writer in
                let keyed = spec.events.compactMap { event -> (IREvent, String)? in
                    guard let key = event.subscription?.key else { return nil }
                    return (event, key)
                }
                if keyed.isEmpty {
                    writer.line("nil")
                } else {
                    writer.block("switch self") { writer in
                        for (event, key) in keyed {
                            writer.line("case .\(SwiftIdentifier.member(event.name))(let payload): payload.\(SwiftIdentifier.member(key))")
                        }
                        writer.line("default: nil")
                    }
                }
            }
            let adaptation = SwiftAdaptation(spec)
            let adapting = spec.events.filter { adaptation.isAdaptable($0.payloadType) }
            writer.line()
            writer.line("/// The event as a client speaking `version` receives it (see the payload types' `adapted(to:)`).")
            writer.block("public func adapted(to version: ProtocolVersion) -> GatewayEvent") { writer in
                if adapting.isEmpty {
                    writer.line("self")
                } else {
                    writer.block("switch self") { writer in
                        for event in adapting {
                            let member = SwiftIdentifier.member(event.name)
                            writer.line("case .\(member)(let payload): .\(member)(payload.adapted(to: version))")
                        }
                        writer.line("default: self")
                    }
                }
            }
            guard let frame = frameObject(spec, spec.frames.event) else { return }
            writer.line()
            writer.line("/// The event frame; `seq` is dropped for events that are never sequenced.")
            writer.block("public func frame(seq: Int?) throws -> \(frame.name)") { writer in
                let call = SwiftTypeSpelling.initializerCall(frame, arguments: [
                    "event": "name.rawValue", "payload": "try payloadValue()", "seq": "name.isSequenced ? seq : nil",
                ])
                writer.line(call)
            }
        }
    }

    private static func writeErrorShape(_ spec: IRSpec, into writer: inout CodeWriter) {
        guard let shape = frameObject(spec, spec.frames.error) else { return }
        writer.block("extension GatewayError") { writer in
            for error in spec.errors {
                let member = SwiftTypeSpelling.errorCase(error.code)
                writer.line("/// \(error.summary)")
                writer.block(
                    "public static func \(SwiftIdentifier.bare(member))(_ message: String, details: JSONValue? = nil, retryAfterMs: Int? = nil) -> GatewayError") { writer in
                    writer.line("GatewayError(.\(member), message, details: details, retryable: retryAfterMs == nil ? nil : true, retryAfterMs: retryAfterMs)")
                }
            }
            writer.line()
            writer.line("/// The error object of a response frame.")
            writer.block("public var shape: \(shape.name)") { writer in
                writer.line(SwiftTypeSpelling.initializerCall(shape, arguments: [
                    "code": "code.rawValue", "message": "message", "details": "details",
                    "retryable": "retryable", "retryAfterMs": "retryAfterMs",
                ]))
            }
        }
    }
}

/// `KubeclawEvent.swift`: the gateway's events as one enum, a case per event with its typed
/// payload, decoded from the runtime's `ReceivedEvent`.
enum SwiftClientEvents {
    static func render(_ spec: IRSpec) -> String {
        let events = spec.events.sorted { $0.name < $1.name }
        var out = CodeWriter()
        out.line(SwiftClientRenderer.header)
        out.line()
        out.line("import GatewayClient")
        out.line("import GeneratedProtocol")
        out.line()
        out.line("/// An event the gateway sent, with its payload typed by the spec.")
        out.block("public enum KubeclawEvent: Sendable, Equatable") { out in
            for event in events {
                var paragraphs = ["`\(event.name)`: \(event.summary)"]
                if event.protocols != spec.allProtocols {
                    paragraphs.append("Only in protocol " + event.protocols.map(String.init).joined(separator: ", ") + ".")
                }
                if let subscription = event.subscription {
                    paragraphs.append("Only after `\(subscription.subscribe)`.")
                }
                for line in SwiftClientRenderer.docComment(paragraphs) { out.line(line) }
                out.line("case \(SwiftIdentifier.member(event.name))(\(event.payloadType))")
            }
            out.line("/// An event this client does not know, or whose payload does not decode as the spec says.")
            out.line("case other(ReceivedEvent)")
            out.line()
            out.line("/// The event's typed form; `.other` when its name is unknown or its payload does not decode.")
            out.block("public init(_ received: ReceivedEvent)") { out in
                out.line("let payload = received.frame.payload ?? .null")
                out.block("switch received.name") { out in
                    for event in events {
                        out.line("case \(SwiftIdentifier.literal(event.name)):")
                        out.indented { out in
                            out.line("if let value = try? payload.decode(as: \(event.payloadType).self) { self = .\(SwiftIdentifier.member(event.name))(value); return }")
                        }
                    }
                    out.line("default:")
                    out.indented { out in out.line("break") }
                }
                out.line("self = .other(received)")
            }
            out.line()
            out.line("/// The event's name on the wire.")
            out.block("public var name: String") { out in
                out.block("switch self") { out in
                    for event in events {
                        out.line("case .\(SwiftIdentifier.member(event.name)): \(SwiftIdentifier.literal(event.name))")
                    }
                    out.line("case .other(let received): received.name")
                }
            }
        }
        return out.text
    }
}

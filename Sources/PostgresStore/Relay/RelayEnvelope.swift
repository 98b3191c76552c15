import Foundation
import GatewayImpl
import GeneratedProtocol

/// One event on the wire between replicas: a `NOTIFY` payload on ``PostgresEventRelay/channel``.
///
/// `{"o":"<origin replica>","s":<its sequence number>,"e":"<event name>","p":<payload>}` — or,
/// when that would not fit in a notification (PostgreSQL takes 7,999 bytes at most),
/// `{"o":…,"s":…,"e":…,"r":<event_outbox id>}` and the full envelope is in the outbox row.
/// The payload is the event's newest-protocol form, as a frame carries it; each receiving
/// replica adapts it to its clients' versions as for its own events.
struct RelayEnvelope: Decodable, Sendable {
    var origin: String
    var seq: Int64
    var name: String
    /// What it carries; nil for an outbox pointer, or a kind this build does not relay.
    var delivery: RelayDelivery?
    /// The outbox row holding the full envelope.
    var outboxId: Int64?

    /// Largest notification payload sent inline, in UTF-8 bytes (PostgreSQL refuses 8,000).
    static let inlineLimit = 7_900

    private enum Key: String, CodingKey {
        case origin = "o", seq = "s", name = "e", payload = "p", outboxId = "r"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        origin = try container.decode(String.self, forKey: .origin)
        seq = try container.decode(Int64.self, forKey: .seq)
        name = try container.decode(String.self, forKey: .name)
        outboxId = try container.decodeIfPresent(Int64.self, forKey: .outboxId)
        // Decoded straight into the event's own type: one pass over the text.
        guard container.contains(.payload) else { return }
        switch name {
        case Self.abortRequestName:
            delivery = .control(.abortRequest(try container.decode(RemoteAbortRequest.self, forKey: .payload)))
        case Self.abortReplyName:
            delivery = .control(.abortReply(try container.decode(RemoteAbortReply.self, forKey: .payload)))
        default:
            guard let eventName = EventName(rawValue: name) else { return }
            switch eventName {
            case .chat: delivery = .event(.chat(try container.decode(ChatEvent.self, forKey: .payload)))
            case .agent: delivery = .event(.agent(try container.decode(AgentEvent.self, forKey: .payload)))
            case .sessionMessage: delivery = .event(.sessionMessage(try container.decode(SessionMessageEvent.self, forKey: .payload)))
            case .sessionsChanged: delivery = .event(.sessionsChanged(try container.decode(SessionsChangedEvent.self, forKey: .payload)))
            default: return
            }
        }
    }

    /// The `e` of control messages: not event names, so a replica of an older build ignores them.
    static let abortRequestName = "kubeclaw.abort"
    static let abortReplyName = "kubeclaw.abortReply"

    /// The payload of `event` as JSON text: its newest-protocol form, as a frame carries it.
    static func payload(of event: GatewayEvent) throws -> String {
        String(decoding: try event.adapted(to: .newest).encodedPayload(with: .frames), as: UTF8.self)
    }

    /// The envelope name and payload of a control message.
    static func payload(of control: RelayControl) throws -> (name: String, payload: String) {
        switch control {
        case let .abortRequest(request):
            (abortRequestName, String(decoding: try JSONEncoder.frames.encode(request), as: UTF8.self))
        case let .abortReply(reply):
            (abortReplyName, String(decoding: try JSONEncoder.frames.encode(reply), as: UTF8.self))
        }
    }

    /// The inline envelope (`originJSON` is the origin as a JSON string, `payload` JSON text).
    static func text(originJSON: String, seq: Int64, name: String, payload: String) -> String {
        #"{"o":\#(originJSON),"s":\#(seq),"e":"\#(name)","p":"# + payload + "}"
    }

    /// The pointer envelope to outbox row `id`.
    static func pointerText(originJSON: String, seq: Int64, name: String, outboxId id: Int64) -> String {
        #"{"o":\#(originJSON),"s":\#(seq),"e":"\#(name)","r":\#(id)}"#
    }
}

import Foundation
import GeneratedProtocol
import NIOCore

/// An event whose payload was encoded once, ready to be framed for any number of connections.
///
/// Only `seq` differs between connections, so the frame is assembled from the encoded payload
/// instead of encoding the whole `EventFrame` again for every client. An event that a protocol
/// version sees differently (`GatewayEvent.adapted(to:)`, e.g. a member only protocol 4 has)
/// is encoded once per distinct form; the common case stays one encoding.
public struct EncodedEvent: Sendable {
    public let name: EventName
    /// The subscription key of a keyed subscription event (`session.message`'s session key).
    public let subscriptionKey: String?
    private let prefix: ByteBuffer
    private let payload: ByteBuffer
    /// Payloads of the versions whose form differs from `payload`.
    private let payloadByVersion: [ProtocolVersion: ByteBuffer]

    public init(_ event: GatewayEvent) throws {
        name = event.name
        subscriptionKey = event.subscriptionKey
        let newest = event.adapted(to: .newest)
        payload = ByteBuffer(bytes: try newest.encodedPayload(with: .frames))
        var others: [ProtocolVersion: ByteBuffer] = [:]
        for version in ProtocolVersion.supported where version != .newest {
            let adapted = event.adapted(to: version)
            if adapted != newest { others[version] = ByteBuffer(bytes: try adapted.encodedPayload(with: .frames)) }
        }
        payloadByVersion = others
        prefix = ByteBuffer(string: #"{"type":"event","event":"\#(event.name.rawValue)","payload":"#)
    }

    var isSequenced: Bool { name.isSequenced }

    /// The frame text for a client of `version`; `seq` is included only when given.
    func frame(seq: Int?, protocol version: ProtocolVersion) -> ByteBuffer {
        let payload = payloadByVersion[version] ?? payload
        var buffer = ByteBuffer()
        buffer.reserveCapacity(prefix.readableBytes + payload.readableBytes + 24)
        buffer.writeImmutableBuffer(prefix)
        buffer.writeImmutableBuffer(payload)
        if let seq { buffer.writeString(#","seq":\#(seq)"#) }
        buffer.writeString("}")
        return buffer
    }
}

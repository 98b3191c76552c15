import Foundation
import GeneratedProtocol
import NIOCore

/// An event whose payload was encoded once, ready to be framed for any number of connections.
///
/// Only `seq` differs between connections, so the frame is assembled from the encoded payload
/// instead of encoding the whole `EventFrame` again for every client.
public struct EncodedEvent: Sendable {
    public let name: EventName
    private let prefix: ByteBuffer
    private let payload: ByteBuffer

    public init(_ event: GatewayEvent) throws {
        name = event.name
        payload = ByteBuffer(bytes: try JSONEncoder.frames.encode(event.payloadValue()))
        prefix = ByteBuffer(string: #"{"type":"event","event":"\#(event.name.rawValue)","payload":"#)
    }

    var isSequenced: Bool { name.isSequenced }

    /// The frame text; `seq` is included only when given.
    func frame(seq: Int?) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(prefix.readableBytes + payload.readableBytes + 24)
        buffer.writeImmutableBuffer(prefix)
        buffer.writeImmutableBuffer(payload)
        if let seq { buffer.writeString(#","seq":\#(seq)"#) }
        buffer.writeString("}")
        return buffer
    }
}

extension JSONEncoder {
    /// The encoder of everything the gateway sends: compact, `/` unescaped.
    static var frames: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}

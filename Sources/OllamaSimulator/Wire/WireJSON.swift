import Foundation
import NIOCore

/// Encodes and decodes the simulator's JSON bodies in one place, so every endpoint writes
/// the same compact form Ollama writes (one line, `/` unescaped).
enum WireJSON {
    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        // Sorted keys: the same value always encodes to the same bytes.
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Encoding our own value types cannot fail; an empty object keeps the stream well-formed if it ever did.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return ByteBuffer(bytes: data)
    }

    /// One NDJSON line: the compact object followed by a newline.
    static func line(_ value: some Encodable) -> ByteBuffer {
        var buffer = encode(value)
        buffer.writeStaticString("\n")
        return buffer
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value {
        try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
    }
}

import Foundation
import GeneratedProtocol

/// WebSocket frames built by hand (RFC 6455 §5.2), so tests can send what no client library
/// would: unmasked frames, reserved bits and opcodes, broken UTF-8, fragments in any order.
enum RawWebSocket {
    /// The opening handshake for `port`.
    static func upgradeRequest(port: Int) -> String {
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// One frame: `rsv` is the three reserved bits (0–7); masked with a fixed key unless told not.
    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0x0F)]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        return bytes + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    static func text(_ text: String, fin: Bool = true) -> [UInt8] { frame(0x1, Array(text.utf8), fin: fin) }

    /// A close frame with `code` and `reason` bytes.
    static func close(code: UInt16, reason: [UInt8] = []) -> [UInt8] {
        frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// The `connect` request frame with `token` (and `scopes`).
    static func connect(token: String?, scopes: [String] = ["operator.admin"]) throws -> [UInt8] {
        let params = try JSONValue(encoding: GatewayHarness.connectParams(scopes: scopes, token: token))
        let request = RequestFrame(id: "raw-connect", method: "connect", params: params)
        return frame(0x1, Array(try JSONEncoder().encode(request)))
    }

    /// The server's frames (unmasked) in `bytes` after the HTTP response head: opcode, payload.
    static func serverFrames(in bytes: [UInt8]) -> [(opcode: UInt8, payload: [UInt8])] {
        guard let headEnd = headerEnd(in: bytes) else { return [] }
        var frames: [(UInt8, [UInt8])] = []
        var index = headEnd
        while index + 2 <= bytes.count {
            let opcode = bytes[index] & 0x0F
            var length = Int(bytes[index + 1] & 0x7F)
            var start = index + 2
            if length == 126 {
                guard start + 2 <= bytes.count else { break }
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            } else if length == 127 {
                guard start + 8 <= bytes.count else { break }
                length = bytes[start..<start + 8].reduce(0) { $0 << 8 | Int($1) }
                start += 8
            }
            guard start + length <= bytes.count else { break }
            frames.append((opcode, Array(bytes[start..<start + length])))
            index = start + length
        }
        return frames
    }

    /// The code of the first close frame the server sent, if any.
    static func closeCode(in bytes: [UInt8]) -> Int? {
        guard let close = serverFrames(in: bytes).first(where: { $0.opcode == 0x8 }), close.payload.count >= 2 else { return nil }
        return Int(close.payload[0]) << 8 | Int(close.payload[1])
    }

    /// Whether `bytes` hold a whole HTTP response head whose status is 101.
    static func isUpgraded(_ bytes: [UInt8]) -> Bool {
        headerEnd(in: bytes) != nil && String(decoding: bytes.prefix(12), as: UTF8.self) == "HTTP/1.1 101"
    }

    private static func headerEnd(in bytes: [UInt8]) -> Int? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where Array(bytes[index..<index + 4]) == marker { return index + 4 }
        return nil
    }
}

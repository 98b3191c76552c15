import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recognises frames by searching their bytes: the load generator shares the CPU with the
/// server it measures, so it decodes no JSON it does not have to.
enum FrameScan {
    static let challengeEvent = Array(#""connect.challenge""#.utf8)
    /// The id of the harness's `connect` request (see ``Requests/connect(token:)``).
    static let connectId = Array(#""id":"kbc""#.utf8)
    static let notOK = Array(#""ok":false"#.utf8)
    static let chatEvent = Array(#""event":"chat""#.utf8)
    static let deltaTextKey = Array(#""deltaText":""#.utf8)
    static let stateKey = Array(#""state":""#.utf8)
    static let runIdKey = Array(#""runId":""#.utf8)

    /// Whether `needle` occurs in the readable bytes of `buffer`.
    static func contains(_ buffer: ByteBuffer, _ needle: [UInt8]) -> Bool {
        offset(of: needle, in: buffer) != nil
    }

    /// The offset (from the reader index) of the first `needle` in `buffer`.
    static func offset(of needle: [UInt8], in buffer: ByteBuffer, from start: Int = 0) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, let first = needle.first, start <= bytes.count else { return nil }
            return needle.withUnsafeBytes { pattern -> Int? in
                guard let patternBase = pattern.baseAddress else { return nil }
                // memchr for the first byte, memcmp for the rest (memmem is not exported by Glibc).
                var position = start
                while position + pattern.count <= bytes.count {
                    guard let hit = memchr(base + position, Int32(first), bytes.count - position - pattern.count + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, patternBase, pattern.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }

    /// The bytes of the JSON string value that follows `key` (which ends with the opening quote),
    /// up to the next quote; escapes are not interpreted (the values searched have none).
    static func stringValue(after key: [UInt8], in buffer: ByteBuffer) -> ByteBuffer? {
        guard let keyAt = offset(of: key, in: buffer) else { return nil }
        let start = keyAt + key.count
        guard let end = offset(of: [UInt8(ascii: "\"")], in: buffer, from: start) else { return nil }
        return buffer.getSlice(at: buffer.readerIndex + start, length: end - start)
    }

    /// The newest (largest) `t<nanoseconds>` stamp in a text made of timestamp pieces, and how
    /// many stamps it has.
    static func newestStamp(in text: ByteBuffer) -> (newest: Int64, count: Int)? {
        var newest: Int64 = 0, count = 0, current: Int64 = 0, inStamp = false
        for byte in text.readableBytesView {
            switch byte {
            case UInt8(ascii: "t"):
                inStamp = true
                current = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inStamp:
                current = current &* 10 &+ Int64(byte - UInt8(ascii: "0"))
            default:
                if inStamp {
                    newest = max(newest, current)
                    count += 1
                    inStamp = false
                }
            }
        }
        if inStamp {
            newest = max(newest, current)
            count += 1
        }
        return count == 0 ? nil : (newest, count)
    }

    /// `code reason` of a close frame's payload.
    static func closeDescription(_ payload: ByteBuffer) -> String {
        var payload = payload
        guard let code = payload.readInteger(as: UInt16.self) else { return "no close code" }
        return "\(code) \(payload.readString(length: payload.readableBytes) ?? "")"
    }
}

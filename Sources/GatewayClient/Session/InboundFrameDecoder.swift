import Foundation
import GeneratedProtocol

/// Turns a message from the server into a ``ReceivedFrame``, tolerating anything: the text is
/// parsed as plain JSON first, and only a JSON object with a known `type` is decoded as a frame.
/// Whatever fails becomes `.malformed` with the reason; nothing here throws or traps.
enum InboundFrameDecoder {
    static func decode(_ message: WebSocketMessage, index: Int, receivedAt: Date) -> ReceivedFrame {
        switch message {
        case .binary(let bytes):
            return ReceivedFrame(index: index, receivedAt: receivedAt, raw: "", json: nil, kind: .binary(bytes))
        case .text(let text):
            let data = Data(text.utf8)
            func frame(_ json: JSONValue?, _ kind: ReceivedFrame.Kind) -> ReceivedFrame {
                ReceivedFrame(index: index, receivedAt: receivedAt, raw: text, json: json, kind: kind)
            }
            let json: JSONValue
            do {
                json = try JSONValue.parse(data)
            } catch {
                return frame(nil, .malformed(reason: "not JSON: \(describe(error))"))
            }
            guard case .object(let members) = json else {
                return frame(json, .malformed(reason: "not a JSON object"))
            }
            guard let type = members["type"]?.stringValue else {
                return frame(json, .malformed(reason: "no string member \"type\""))
            }
            switch type {
            case "event":
                do {
                    return frame(json, .event(try JSONDecoder().decode(EventFrame.self, from: data)))
                } catch {
                    return frame(json, .malformed(reason: "invalid event frame: \(describe(error))"))
                }
            case "res":
                do {
                    // Matched against pending requests by the caller.
                    return frame(json, .response(try JSONDecoder().decode(ResponseFrame.self, from: data), matched: false))
                } catch {
                    return frame(json, .malformed(reason: "invalid response frame: \(describe(error))"))
                }
            default:
                return frame(json, .malformed(reason: "unknown frame type \"\(type)\""))
            }
        }
    }

    /// A decoding error in one line: where, then what.
    static func describe(_ error: any Error) -> String {
        let context: DecodingError.Context
        switch error {
        case DecodingError.typeMismatch(_, let found), DecodingError.valueNotFound(_, let found),
            DecodingError.dataCorrupted(let found):
            context = found
        case DecodingError.keyNotFound(let key, let found):
            let path = (found.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return "missing \(path)"
        default:
            return "\(error)"
        }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol

/// Building request text and reading frames without decoding them into types, so that a
/// broken frame can still be reported as it is.
enum FrameText {
    /// How much of a frame a report shows.
    static let excerptLength = 300

    /// A request frame with `params` (JSON text) embedded verbatim.
    static func request(id: String, method: String, params: String) -> String {
        "{\"type\":\"req\",\"id\":\(quote(id)),\"method\":\(quote(method)),\"params\":\(params)}"
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        JSONValue.string(text).description
    }

    /// The start of a frame for a report.
    static func excerpt(_ frame: ReceivedFrame) -> String {
        if case .binary(let bytes) = frame.kind { return "<binary message, \(bytes.count) bytes>" }
        return excerpt(frame.raw)
    }

    static func excerpt(_ text: String) -> String {
        text.count <= excerptLength ? text : String(text.prefix(excerptLength)) + "…"
    }

    /// `type` of a frame's JSON.
    static func type(_ frame: ReceivedFrame) -> String? {
        frame.json?["type"]?.stringValue
    }

    /// Whether the frame is a response (by its JSON, so malformed ones count) with this id.
    static func isResponse(_ frame: ReceivedFrame, id: String) -> Bool {
        type(frame) == "res" && frame.json?["id"]?.stringValue == id
    }

    /// Whether the frame is the event `name`.
    static func isEvent(_ frame: ReceivedFrame, named name: String) -> Bool {
        type(frame) == "event" && frame.json?["event"]?.stringValue == name
    }

    /// "ok", or "CODE: message" of an error response.
    static func describeResponse(_ frame: ReceivedFrame) -> String {
        guard let json = frame.json else { return "a frame that is not JSON" }
        if json["ok"]?.boolValue == true { return "ok" }
        let code = json["error"]?["code"]?.stringValue ?? "<no error code>"
        let message = json["error"]?["message"]?.stringValue ?? ""
        return message.isEmpty ? code : "\(code): \(message)"
    }

    /// A short name for what a frame is, for "expected X, got Y" messages.
    static func describeKind(_ frame: ReceivedFrame) -> String {
        switch frame.kind {
        case .binary: return "a binary message"
        case .malformed(let reason): return "a malformed frame (\(reason))"
        case .event(let event): return "a `\(event.event)` event"
        case .response: return "a response (\(describeResponse(frame)))"
        }
    }

    /// The text of a chat message: a string, `content` as a string or as blocks with `text`, or `text`.
    static func messageText(_ message: JSONValue?) -> String? {
        guard let message else { return nil }
        if let text = message.stringValue { return text }
        if let content = message["content"] {
            if let text = content.stringValue { return text }
            if let blocks = content.arrayValue { return blocks.compactMap { $0["text"]?.stringValue }.joined() }
        }
        return message["text"]?.stringValue
    }

    /// The params text with members replaced (and removed, for nil values); params must be an object.
    static func params(_ text: String, setting changes: [String: JSONValue?]) -> String? {
        guard case .object(var members)? = try? JSONValue.parse(Data(text.utf8)) else { return nil }
        for (key, value) in changes { members[key] = value }
        return JSONValue.object(members).description
    }

    /// The member of `value` a JSON pointer (`/data/phase`, `/path`) names, or nil.
    static func value(at pointer: String, in value: JSONValue) -> JSONValue? {
        var current: JSONValue? = value
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members)?: current = members[key]
            case .array(let items)?: current = Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return current
    }
}

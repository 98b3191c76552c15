import Foundation
import Testing
import GeneratedProtocol

/// A protocol defect the ``DefectiveGateway`` injects into what a correct gateway sends.
enum Defect: String, Sendable, CaseIterable, CustomTestStringConvertible {
    /// `hello-ok.policy.maxPayload` arrives as a string (a wrong field type in a result).
    case helloOkFieldTypeWrong
    /// The `connect.challenge` event is never sent.
    case noChallenge
    /// Event `seq` counts down instead of up.
    case seqGoesBackwards
    /// `chat` events in state `final` are never sent.
    case noFinalEvent
    /// Every successful response after the handshake becomes `INVALID_REQUEST`: a gateway that
    /// refuses everything, which must not pass the invalid-example cases.
    case refusesEverything
    /// Nothing the gateway sends reaches the client: the upgrade succeeds, the handshake never
    /// completes (a gateway that waits for something the client never sends).
    case silent

    var testDescription: String { rawValue }

    /// What the proxy sends to the client for one text message of the gateway: the message,
    /// a rewritten message, or nothing.
    func rewrite(_ text: String) -> String? {
        guard let frame = try? JSONValue.parse(Data(text.utf8)) else { return text }
        switch self {
        case .helloOkFieldTypeWrong:
            guard frame["type"]?.stringValue == "res", frame["payload"]?["type"]?.stringValue == "hello-ok",
                  let maxPayload = frame["payload"]?["policy"]?["maxPayload"]?.intValue
            else { return text }
            return frame.setting(["payload", "policy", "maxPayload"], to: .string(String(maxPayload))).description
        case .noChallenge:
            return frame["type"]?.stringValue == "event" && frame["event"]?.stringValue == "connect.challenge" ? nil : text
        case .seqGoesBackwards:
            guard frame["type"]?.stringValue == "event", let seq = frame["seq"]?.intValue else { return text }
            return frame.setting(["seq"], to: .integer(1_000_000 - seq)).description
        case .silent:
            return nil
        case .refusesEverything:
            guard frame["type"]?.stringValue == "res", frame["ok"]?.boolValue == true,
                  frame["payload"]?["type"]?.stringValue != "hello-ok", let id = frame["id"]
            else { return text }
            return JSONValue.object([
                "type": "res", "id": id, "ok": false,
                "error": ["code": "INVALID_REQUEST", "message": "refused by the defect"],
            ]).description
        case .noFinalEvent:
            let isFinal = frame["type"]?.stringValue == "event" && frame["event"]?.stringValue == "chat"
                && frame["payload"]?["state"]?.stringValue == "final"
            return isFinal ? nil : text
        }
    }
}

extension JSONValue {
    /// The value with the member at `path` replaced (objects only along the path).
    func setting(_ path: [String], to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        guard case .object(var members) = self else { return self }
        members[key] = (members[key] ?? .object([:])).setting(Array(path.dropFirst()), to: value)
        return .object(members)
    }
}

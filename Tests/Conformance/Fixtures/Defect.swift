import Foundation
import GeneratedProtocol
import Testing

/// A protocol defect the ``DefectiveGateway`` injects into what a correct gateway sends: the
/// mutations of the conformance suite's mutation table (docs/conformance.md, "Proof that the
/// suite can fail").
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
    /// `heartbeatSeconds` of the `health` result is renamed `heartbeatSecs`.
    case resultFieldRenamed
    /// `sessions` is left out of the `health` result (a required field).
    case resultFieldMissing
    /// `INVALID_REQUEST` answers to requests after the handshake carry `UNAVAILABLE` instead.
    case errorCodeSwapped
    /// Every close code but 1000 (1002, 1008, 1009, …) becomes 1000.
    case closeCodeSwapped
    /// After the answer to a request with an unknown method, the connection is closed (1011).
    case extraClose
    /// A `chat` event in state `final` comes before the delta that preceded it.
    case finalBeforeLastDelta
    /// The `chat` event payload's `runId` is a number.
    case eventFieldTypeWrong
    /// Response ids longer than 40 characters come back cut to 40.
    case longIdsCut
    /// `chat.history` lists its messages newest first.
    case historyReversed
    /// A `chat` event in state `aborted` says `final` instead.
    case abortedReportedAsFinal
    /// Invalid-params errors name the params themselves (`details.path` `/`) whatever the fault
    /// (a gateway that does not track where validation failed).
    case detailsPathLost
    /// Handshake refusals lose `details.code` (`AUTH_TOKEN_MISMATCH`, `PROTOCOL_MISMATCH`, …).
    case detailsCodeDropped
    /// The 1002 close after a refused protocol range comes 12 s late, past the client's timeout
    /// (a gateway that leaves the socket to its handshake deadline).
    case lateClose

    var testDescription: String { rawValue }

    /// The row of the mutation table: the kind of mutation and where it is injected.
    var mutation: (kind: String, injected: String) {
        switch self {
        case .helloOkFieldTypeWrong: ("wrong type", "`hello-ok.policy.maxPayload` sent as a string")
        case .noChallenge: ("missing event", "`connect.challenge` never sent")
        case .seqGoesBackwards: ("wrong value", "event `seq` counting down")
        case .noFinalEvent: ("missing event", "`chat` `final` events dropped")
        case .refusesEverything: ("error instead of result", "every response after `hello-ok` replaced by `INVALID_REQUEST`")
        case .silent: ("no handshake", "nothing the gateway sends reaches the client")
        case .resultFieldRenamed: ("renamed field", "`health` result `heartbeatSeconds` → `heartbeatSecs`")
        case .resultFieldMissing: ("missing required field", "`health` result without `sessions`")
        case .errorCodeSwapped: ("error code swapped", "`INVALID_REQUEST` after the handshake sent as `UNAVAILABLE`")
        case .closeCodeSwapped: ("close code swapped", "every close code sent as 1000 (normal closure)")
        case .extraClose: ("extra close", "connection closed (1011) after answering an unknown method")
        case .finalBeforeLastDelta: ("reordered event", "`chat` `final` sent before the delta before it")
        case .eventFieldTypeWrong: ("wrong type", "`chat` event `runId` sent as a number")
        case .longIdsCut: ("wrong value", "response ids over 40 characters cut to 40")
        case .historyReversed: ("reordered result", "`chat.history` messages newest first")
        case .abortedReportedAsFinal: ("wrong value", "`chat` event state `aborted` sent as `final`")
        case .detailsPathLost: ("wrong value", "invalid-params `details.path` always `/`")
        case .detailsCodeDropped: ("missing field", "handshake refusals without `details.code`")
        case .lateClose: ("late close", "the 1002 close after a protocol mismatch held back 12 s")
        }
    }

    /// A fresh rewriter for one connection (some defects remember what they held back).
    func rewriter() -> DefectRewriter { DefectRewriter(self) }
}

/// What one proxied connection's gateway→client messages and close code become under a defect.
final class DefectRewriter {
    let defect: Defect
    /// A `chat` delta held back until the next `chat` event (``Defect/finalBeforeLastDelta``).
    private var heldDelta: String?
    /// The connection is to be closed after the message just rewritten (``Defect/extraClose``):
    /// it answered an unknown method, as the gateway's error message says.
    private(set) var closeAfterThis = false

    init(_ defect: Defect) {
        self.defect = defect
    }

    /// What the client receives for one text message of the gateway (nothing, one or more).
    func messages(for text: String) -> [String] {
        guard let frame = try? JSONValue.parse(Data(text.utf8)) else { return [text] }
        let isResponse = frame["type"]?.stringValue == "res"
        let isHello = frame["payload"]?["type"]?.stringValue == "hello-ok"
        let chatState = frame["type"]?.stringValue == "event" && frame["event"]?.stringValue == "chat" ? frame["payload"]?["state"]?.stringValue : nil
        let isHealthResult = isResponse && frame["payload"]?["heartbeatSeconds"] != nil && frame["payload"]?["channelOrder"] != nil
        switch defect {
        case .helloOkFieldTypeWrong:
            guard isResponse, isHello, let maxPayload = frame["payload"]?["policy"]?["maxPayload"]?.intValue else { return [text] }
            return [frame.setting(["payload", "policy", "maxPayload"], to: .string(String(maxPayload))).description]
        case .noChallenge:
            return frame["type"]?.stringValue == "event" && frame["event"]?.stringValue == "connect.challenge" ? [] : [text]
        case .seqGoesBackwards:
            guard frame["type"]?.stringValue == "event", let seq = frame["seq"]?.intValue else { return [text] }
            return [frame.setting(["seq"], to: .integer(1_000_000 - seq)).description]
        case .noFinalEvent:
            return chatState == "final" ? [] : [text]
        case .refusesEverything:
            guard isResponse, frame["ok"]?.boolValue == true, !isHello, let id = frame["id"] else { return [text] }
            return [Self.error(id: id, code: "INVALID_REQUEST", message: "refused by the defect")]
        case .silent:
            return []
        case .resultFieldRenamed:
            guard isHealthResult, case .object(var payload)? = frame["payload"], let value = payload.removeValue(forKey: "heartbeatSeconds")
            else { return [text] }
            payload["heartbeatSecs"] = value
            return [frame.setting(["payload"], to: .object(payload)).description]
        case .resultFieldMissing:
            guard isHealthResult, case .object(var payload)? = frame["payload"] else { return [text] }
            payload.removeValue(forKey: "sessions")
            return [frame.setting(["payload"], to: .object(payload)).description]
        case .errorCodeSwapped:
            guard isResponse, frame["error"]?["code"]?.stringValue == "INVALID_REQUEST",
                  frame["error"]?["details"]?["code"] == nil  // not a handshake refusal
            else { return [text] }
            return [frame.setting(["error", "code"], to: "UNAVAILABLE").description]
        case .closeCodeSwapped, .lateClose:
            return [text]
        case .extraClose:
            if isResponse, frame["error"]?["message"]?.stringValue?.hasPrefix("unknown method") == true { closeAfterThis = true }
            return [text]
        case .finalBeforeLastDelta:
            guard let chatState else { return [text] }
            if chatState == "delta" {
                let previous = heldDelta
                heldDelta = text
                return previous.map { [$0] } ?? []
            }
            let held = heldDelta
            heldDelta = nil
            return chatState == "final" ? [text] + (held.map { [$0] } ?? []) : (held.map { [$0] } ?? []) + [text]
        case .eventFieldTypeWrong:
            guard chatState != nil, let runId = frame["payload"]?["runId"]?.stringValue else { return [text] }
            return [frame.setting(["payload", "runId"], to: .integer(runId.utf8.count)).description]
        case .longIdsCut:
            guard isResponse, let id = frame["id"]?.stringValue, id.count > 40 else { return [text] }
            return [frame.setting(["id"], to: .string(String(id.prefix(40)))).description]
        case .abortedReportedAsFinal:
            guard chatState == "aborted" else { return [text] }
            return [frame.setting(["payload", "state"], to: "final").description]
        case .detailsPathLost:
            guard isResponse, frame["error"]?["details"]?["reason"]?.stringValue == "invalid-params" else { return [text] }
            return [frame.setting(["error", "details", "path"], to: "/").description]
        case .detailsCodeDropped:
            guard isResponse, case .object(var details)? = frame["error"]?["details"], details.removeValue(forKey: "code") != nil
            else { return [text] }
            return [frame.setting(["error", "details"], to: .object(details)).description]
        case .historyReversed:
            guard isResponse, case .array(let messages)? = frame["payload"]?["messages"], frame["payload"]?["sessionKey"] != nil
            else { return [text] }
            return [frame.setting(["payload", "messages"], to: .array(messages.reversed())).description]
        }
    }

    /// The close code the client receives for the gateway's `code`.
    func closeCode(_ code: UInt16) -> UInt16 {
        defect == .closeCodeSwapped ? 1000 : code
    }

    /// How long the gateway's close with `code` is held back before the client gets it.
    func closeDelay(_ code: UInt16) -> Duration? {
        defect == .lateClose && code == 1002 ? .seconds(12) : nil
    }

    private static func error(id: JSONValue, code: String, message: String) -> String {
        JSONValue.object(["type": "res", "id": id, "ok": false, "error": ["code": .string(code), "message": .string(message)]]).description
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

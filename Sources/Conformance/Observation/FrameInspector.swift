import GatewayClient
import GeneratedProtocol

/// The checks every frame of every case goes through: the envelope schema of its type, the
/// payload schema of a known event, no `seq` on an event the spec says is never sequenced.
/// Event observations also go to the run's ``EventLedger``.
struct FrameInspector: Sendable {
    let ledger: EventLedger
    let caseId: String
    /// The protocol version the frames are judged by.
    let protocolVersion: Int
    var frames: ConformanceFrames = ConformanceSuite.frames
    var events: [String: ConformanceEvent] = Dictionary(
        ConformanceSuite.events.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    var validator: SchemaValidator = .spec

    /// The first problem of `frame`, nil when it conforms.
    func inspect(_ frame: ReceivedFrame) -> FrameProblem? {
        let excerpt = FrameText.excerpt(frame)
        func problem(_ reason: String) -> FrameProblem { FrameProblem(reason: reason, excerpt: excerpt) }
        if case .binary = frame.kind { return problem("the gateway sent a binary message; the protocol uses text frames") }
        guard let json = frame.json else { return problem("the gateway sent text that is not JSON") }
        switch json["type"]?.stringValue {
        case "event":
            if let violation = validator.firstViolation(of: json, against: .ref(frames.event)) {
                return problem("event frame \(violation)")
            }
            let name = json["event"]?.stringValue ?? ""
            guard let event = events[name] else {
                ledger.recordUnknown(event: name)
                return nil
            }
            var found: FrameProblem?
            if let violation = validator.firstViolation(of: json["payload"] ?? .null, against: .ref(event.payloadSchema), protocol: protocolVersion) {
                found = problem("`\(name)` event payload (\(event.payloadSchema)) \(violation)")
            } else if !event.sequenced, let seq = json["seq"] {
                found = problem("`\(name)` event carries seq \(seq); the spec says it is never sequenced")
            }
            ledger.record(event: name, problem: found, caseId: caseId)
            return found
        case "res":
            if let violation = validator.firstViolation(of: json, against: .ref(frames.response)) {
                return problem("response frame \(violation)")
            }
            if json["ok"]?.boolValue == false, json["error"] == nil {
                return problem("response with ok: false but no error object")
            }
            if json["ok"]?.boolValue == true, json["error"] != nil {
                return problem("response with ok: true and an error object (absent fields are omitted, never sent)")
            }
            return nil
        case let other?:
            return problem("frame of unknown type \"\(other)\"")
        case nil:
            return problem("frame without a string `type`")
        }
    }
}

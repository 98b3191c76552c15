import Foundation
import Testing

/// One hostile input for the gateway and the outcome it must get: a typed error, a documented
/// close code or HTTP status, or (for input the protocol tolerates) a normal answer.
struct HostileCase: Sendable, CustomTestStringConvertible {
    enum Category: String, Sendable, CaseIterable {
        case malformedJSON = "malformed JSON"
        case deepOrHugeJSON = "deep or huge JSON"
        case wrongTypes = "wrong types"
        case oddIDs = "odd ids"
        case clientFrames = "frames only a server sends"
        case framing = "RFC 6455 framing"
        case floods = "floods"
        case upgrade = "upgrade abuse"
        case order = "order and scope abuse"
    }

    /// How far the connection gets before the hostile bytes are written.
    enum Stage: Sendable {
        /// A plain TCP connection to the WebSocket port: the bytes are the HTTP request.
        case tcp
        /// Upgraded, `connect` not sent.
        case upgraded
        /// Past `connect` with these scopes.
        case connected(scopes: [String])
    }

    enum Outcome: Sendable {
        /// `count` responses with `ok: false`, code INVALID_REQUEST and, where given, this
        /// `details.reason` / `details.path` / `details.code`; then a `health` on the same
        /// connection is answered.
        case error(reason: String? = nil, path: String? = nil, code: String? = nil, count: Int = 1)
        /// `count` responses with `ok: true` (input the protocol tolerates); then `health` answers.
        case answered(count: Int = 1)
        /// No response; a `health` sent afterwards on the same connection is answered.
        case silent
        /// The server sends a close frame with this code and closes the socket.
        case close(Int)
        /// The server answers with this HTTP status and closes the socket.
        case http(Int)
        /// The server closes the socket without answering (a deadline).
        case closedWithoutAnswer
    }

    var category: Category
    var name: String
    var stage: Stage = .connected(scopes: ["operator.admin"])
    var bytes: [UInt8]
    var outcome: Outcome

    var testDescription: String { "\(category.rawValue): \(name)" }
}

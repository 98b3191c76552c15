import Foundation

/// OpenClaw session keys: canonical form `agent:<agentId>:<rest>`, lowercase.
///
/// Clients may send the bare main key (`main`) or a short key; both are canonicalized against
/// the default agent, so events always carry the full key the Control UI compares with.
public struct SessionKey: Sendable, Hashable, CustomStringConvertible {
    public let agentId: String
    /// The part after `agent:<agentId>:`.
    public let rest: String

    public var description: String { "agent:\(agentId):\(rest)" }

    /// Longest key OpenClaw accepts in `chat.send`.
    public static let maxLength = 512

    public enum ParseError: Error, Equatable, Sendable {
        case empty
        case tooLong
        case malformedAgentKey(String)
        case reserved(String)

        public var message: String {
            switch self {
            case .empty: "session key is empty"
            case .tooLong: "session key is longer than \(SessionKey.maxLength) characters"
            case .malformedAgentKey(let key): "malformed session key '\(key)' (expected agent:<agentId>:<key>)"
            case .reserved(let key): "session key '\(key)' is reserved"
            }
        }
    }

    public init(agentId: String, rest: String) {
        self.agentId = agentId
        self.rest = rest
    }

    /// Canonicalizes what a client sent: `main` → `agent:main:main`, `agent:Ops:x` →
    /// `agent:ops:x`, any other bare key → `agent:<default>:<key>`.
    public init(parsing raw: String, defaultAgentId: String) throws(ParseError) {
        let key = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard !key.isEmpty else { throw .empty }
        guard key.count <= Self.maxLength else { throw .tooLong }
        if key == "global" || key == "unknown" || key.hasPrefix("cron:") { throw .reserved(key) }
        if key.hasPrefix("agent:") {
            let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[2].isEmpty, let agent = Self.normalizedAgentId(String(parts[1])) else {
                throw .malformedAgentKey(raw)
            }
            self.init(agentId: agent, rest: String(parts[2]))
        } else {
            self.init(agentId: defaultAgentId, rest: key)
        }
    }

    /// Agent ids: `^[a-z0-9][a-z0-9_-]{0,63}$`, lowercase; other characters collapse to `-`.
    public static func normalizedAgentId(_ raw: String) -> String? {
        let lowered = raw.lowercased()
        var result = ""
        for character in lowered {
            if character.isASCII, character.isLetter || character.isNumber || character == "_" || character == "-" {
                result.append(character)
            } else if result.last != "-" {
                result.append("-")
            }
        }
        while result.first == "-" || result.first == "_" { result.removeFirst() }
        guard !result.isEmpty else { return nil }
        return String(result.prefix(64))
    }
}

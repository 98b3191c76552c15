/// One check of the conformance suite: what to send to a gateway and what a conforming one
/// answers. Cases are data; a runner (the `Conformance` module) interprets them.
public struct ConformanceCase: Sendable, Equatable, Identifiable {
    /// Stable across runs and spec edits that do not touch the case, e.g.
    /// `method/chat.send/valid/0`, `protocol/oversize-payload`, `stream/chat-ordering`.
    public var id: String
    /// What a report groups the case under: a method name, `protocol`, `stream` or `event`.
    public var group: String
    /// One line: what is sent and what must come back.
    public var summary: String
    public var kind: ConformanceCaseKind
    public var flags: ConformanceFlags
    /// The protocol versions the case applies to: a runner speaking another version skips it.
    public var protocols: [Int]

    public init(id: String, group: String, summary: String, kind: ConformanceCaseKind, flags: ConformanceFlags = [], protocols: [Int]) {
        self.id = id
        self.group = group
        self.summary = summary
        self.kind = kind
        self.flags = flags
        self.protocols = protocols
    }
}

/// What a case needs from the gateway it runs against.
public struct ConformanceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// The case waits for a model reply (a chat run); `--skip-model` skips it.
    public static let needsModel = ConformanceFlags(rawValue: 1 << 0)
    /// The case checks how the gateway treats credentials; it is skipped when the runner has no token.
    public static let needsAuth = ConformanceFlags(rawValue: 1 << 1)
    /// A conforming gateway changes state (sessions, transcripts, runs) when it runs the case.
    public static let mutates = ConformanceFlags(rawValue: 1 << 2)
}

/// How one case ended.
public struct CaseResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case pass
        case fail
        case skip
        /// Not run: the preflight showed the gateway cannot give the case what it needs.
        case blocked
    }

    /// The case id, e.g. `method/chat.send/valid/0`.
    public var id: String
    /// The report group: a method name, `protocol`, `stream` or `event`.
    public var group: String
    /// What the case checks.
    public var summary: String
    public var outcome: Outcome
    /// Why it failed or was skipped; nil for a pass.
    public var reason: String?
    /// The start of the offending frame, as received.
    public var excerpt: String?
    /// What else the runner noticed (an accepted declared error, time spent on rate limits).
    public var notes: [String]
    /// Wall time of the case.
    public var durationMs: Int
    /// The case's flags: `needsModel`, `needsAuth`, `mutates`.
    public var flags: [String]

    public init(
        id: String, group: String, summary: String, outcome: Outcome, reason: String? = nil, excerpt: String? = nil,
        notes: [String] = [], durationMs: Int = 0, flags: [String] = []
    ) {
        self.id = id
        self.group = group
        self.summary = summary
        self.outcome = outcome
        self.reason = reason
        self.excerpt = excerpt
        self.notes = notes
        self.durationMs = durationMs
        self.flags = flags
    }
}

/// How a case ends early: thrown by the steps of a case, caught by the runner.
enum CaseVerdict: Error, Sendable {
    /// The gateway broke the rule; `excerpt` is the offending frame, when there is one.
    case fail(String, excerpt: String? = nil)
    /// The case cannot say anything against this gateway (no token, no model, nothing observed).
    case skip(String)
}

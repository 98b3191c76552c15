/// How one model of an agent's chain (its primary or a fallback) failed before its first token.
public struct CandidateFailure: Sendable, Equatable {
    /// The model as configured, `provider/model`.
    public var reference: String
    public var error: ModelBackendError

    public init(reference: String, error: ModelBackendError) {
        self.reference = reference
        self.error = error
    }
}

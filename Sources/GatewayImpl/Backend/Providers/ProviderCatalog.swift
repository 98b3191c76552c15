/// The models of every active provider, as one `models.list` sees them: those that answered,
/// and why the others did not (one failing provider never hides the rest).
public struct ProviderCatalog: Sendable, Equatable {
    /// Sorted by provider, then name; each with its `provider` set.
    public var models: [ModelSummary]
    /// Providers whose list could not be read, by name.
    public var failures: [String: ModelBackendError]

    public init(models: [ModelSummary] = [], failures: [String: ModelBackendError] = [:]) {
        self.models = models
        self.failures = failures
    }
}

/// What `kubeclaw conformance` exits with (docs/conformance.md, "Exit status"). Usage errors
/// (a bad flag, an unreadable baseline) exit 64, as every ArgumentParser command does.
public enum ConformanceExitStatus: Int32, Sendable {
    /// Every case that ran passed (or failed as the baseline expects); under `--strict` none
    /// was skipped.
    case passed = 0
    /// A case failed that the baseline does not list (under `--strict`: or was skipped).
    case failed = 1
    /// Nothing failed unexpectedly, but a case the baseline lists as failing passed.
    case staleBaseline = 2
    /// The preflight showed the gateway cannot be (fully) tested: cases were blocked.
    case blocked = 3

    public static func of(_ report: ConformanceReport, baseline: BaselineOutcome? = nil) -> ConformanceExitStatus {
        if report.blocked > 0 { return .blocked }
        let unexpected = baseline.map { !$0.newFailures.isEmpty } ?? (report.failed > 0)
        if unexpected { return .failed }
        if let baseline, !baseline.stale.isEmpty { return .staleBaseline }
        return .passed
    }
}

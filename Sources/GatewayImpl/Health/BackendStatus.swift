/// What the model backend answered when last asked.
public struct BackendStatus: Sendable, Equatable {
    /// The backend answered at all.
    public var reachable: Bool
    /// The configured model is installed there.
    public var modelPresent: Bool
    /// Why not, in words safe to show.
    public var detail: String?

    public init(reachable: Bool, modelPresent: Bool, detail: String? = nil) {
        self.reachable = reachable
        self.modelPresent = modelPresent
        self.detail = detail
    }

    public static let unknown = BackendStatus(reachable: false, modelPresent: false, detail: "not checked yet")
}

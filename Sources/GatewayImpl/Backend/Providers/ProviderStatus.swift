/// One provider as status and `models.authStatus` may show it: enough to tell whether it can
/// be used, nothing secret. The base URL is reduced to its host (and non-default port): no
/// credentials, path or query.
public struct ProviderStatus: Sendable, Equatable {
    /// The provider's name, as in `provider/model` references.
    public var name: String
    public var api: ProviderAPI
    public var keyState: ProviderKeyState
    /// The environment variable the key is read from (`OPENAI_API_KEY`), when there is one.
    public var keyVariable: String?
    /// `api.openai.com`, `vllm:8000`, `127.0.0.1:11434`.
    public var baseURLHost: String
    /// Whether an agent uses this provider (as its model or a fallback).
    public var usedByAgent: Bool

    public init(
        name: String, api: ProviderAPI, keyState: ProviderKeyState, keyVariable: String?, baseURLHost: String, usedByAgent: Bool
    ) {
        self.name = name
        self.api = api
        self.keyState = keyState
        self.keyVariable = keyVariable
        self.baseURLHost = baseURLHost
        self.usedByAgent = usedByAgent
    }

    /// A key is configured (whether or not the provider accepted it).
    public var keyConfigured: Bool { keyState == .configured || keyState == .rejected }
}

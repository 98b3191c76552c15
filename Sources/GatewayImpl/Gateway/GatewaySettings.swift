import GeneratedProtocol

/// What the gateway's methods need to know besides the store and the backend.
public struct GatewaySettings: Sendable {
    public var agent: AgentConfiguration
    public var generation: ModelGenerationOptions
    /// The version the binary was built with (`SERVICE_VERSION`).
    public var serviceVersion: String
    /// Where state lives (`hello-ok.snapshot.stateDir`).
    public var dataDirectory: String
    /// Path of the session database, as `sessions.list` reports it.
    public var storePath: String
    /// The loaded `--config` file (`config.get`).
    public var configFile: ConfigFile
    /// The effective configuration (flags > env > file > defaults), secrets redacted (by
    /// ``SecretRedactor`` when set, whoever sets it).
    public var effectiveConfig: JSONValue {
        didSet { effectiveConfig = SecretRedactor.redact(effectiveConfig) }
    }
    /// Base URL of the model backend, for status, credentials redacted
    /// (``SecretRedactor/redactURL(_:)`` when set, whoever sets it).
    public var backendURL: String {
        didSet { backendURL = SecretRedactor.redactURL(backendURL) }
    }
    /// `hello-ok.snapshot.authMode`.
    public var authMode: Snapshot.AuthMode
    /// How long a run may stream before it is aborted with stopReason `timeout`.
    public var runTimeoutMs: Int = 600_000
    /// Longest wait from asking the model to its first streamed piece; it covers loading the
    /// model, so it is generous. Then the run ends with a `chat` error. Default 120 s.
    public var firstTokenTimeout: Duration = .seconds(120)
    /// Longest pause between two streamed pieces once the reply has started; then the run
    /// ends with a `chat` error. Default 120 s.
    public var streamIdleTimeout: Duration = .seconds(120)
    /// Longest model reply in UTF-8 bytes. A reply that reaches it is cut at a character
    /// boundary, the model request is cancelled and the run ends with a `chat` `aborted` event,
    /// stopReason `reply_size_cap`; the stored assistant message is the capped text. Default
    /// 1 MiB.
    public var maxReplyBytes: Int = 1 << 20
    /// Chat runs one client identity (its proven device, else its address) may have streaming
    /// at once; one more `chat.send` gets `UNAVAILABLE` with `details.code` `CHAT_RUN_LIMIT`.
    /// `0` turns the limit off. Independently, a session streams one run at a time (a second
    /// `chat.send` gets `CHAT_RUN_ACTIVE`). Default 8.
    public var maxConcurrentRunsPerClient: Int = 8
    /// How long a client may resend a finished run's idempotency key and get its result.
    public var idempotencyWindowMs: Int = 300_000
    /// How long sessions and transcripts are kept, and how often that is enforced.
    public var retention = RetentionPolicy()
    /// Run leases, for replicas sharing their store; nil for a process alone with its store,
    /// which owns every run in it (start-up recovery fails them all instead).
    public var runLeases: RunLeasePolicy?

    public init(
        agent: AgentConfiguration = AgentConfiguration(), generation: ModelGenerationOptions = ModelGenerationOptions(),
        serviceVersion: String, dataDirectory: String, storePath: String, configFile: ConfigFile = ConfigFile(),
        effectiveConfig: JSONValue = [:], backendURL: String, authMode: Snapshot.AuthMode
    ) {
        self.agent = agent
        self.generation = generation
        self.serviceVersion = serviceVersion
        self.dataDirectory = dataDirectory
        self.storePath = storePath
        self.configFile = configFile
        self.effectiveConfig = SecretRedactor.redact(effectiveConfig)
        self.backendURL = SecretRedactor.redactURL(backendURL)
        self.authMode = authMode
    }

    /// Where a config file would be read from when none was given (`config.get.path`).
    public var defaultConfigPath: String { dataDirectory + "/config.json" }

    /// `agent:<defaultAgentId>:main`.
    public var mainSessionKey: String { "agent:\(agent.id):main" }
}

/// Limits and timeouts of an ``OllamaBackend``; the defaults suit a local or in-cluster Ollama.
public struct OllamaBackendConfiguration: Sendable, Equatable {
    /// Longest wait for a TCP connection to Ollama. Default 5 s.
    public var connectTimeout: Duration
    /// Deadline for the small JSON calls (`/api/tags`, `/api/show`, `/api/version`). Default 30 s.
    public var metadataTimeout: Duration
    /// Longest accepted line of a streamed reply; a longer one is a malformed response. Default 1 MiB.
    public var maxLineBytes: Int
    /// Largest accepted body of a JSON call or an error reply. Default 8 MiB.
    public var maxBodyBytes: Int
    /// Whether failed connection attempts are retried (with backoff, until `connectTimeout`).
    /// Off by default, so an Ollama that is not running is reported at once instead of after
    /// the connect timeout.
    public var retryConnectionEstablishment: Bool
    /// Most connections to Ollama at once. A streamed chat holds one for its whole reply, so
    /// this bounds the chats streaming at once; more wait in the gateway for a free connection
    /// (Ollama itself generates `OLLAMA_NUM_PARALLEL` replies at a time and queues the rest).
    /// Default 256; the HTTP client's own default (8) would quietly serialize the ninth chat.
    public var maxConnections: Int

    public init(
        connectTimeout: Duration = .seconds(5),
        metadataTimeout: Duration = .seconds(30),
        maxLineBytes: Int = 1 << 20,
        maxBodyBytes: Int = 8 << 20,
        retryConnectionEstablishment: Bool = false,
        maxConnections: Int = 256
    ) {
        self.connectTimeout = connectTimeout
        self.metadataTimeout = metadataTimeout
        self.maxLineBytes = maxLineBytes
        self.maxBodyBytes = maxBodyBytes
        self.retryConnectionEstablishment = retryConnectionEstablishment
        self.maxConnections = maxConnections
    }
}

/// Timeouts and buffer limits of a ``GatewaySession``, with their defaults in one place.
public struct GatewaySessionConfiguration: Sendable {
    /// The transport underneath.
    public var webSocket = WebSocketConfiguration()

    /// How long ``GatewaySession/open(url:headers:configuration:eventLoopGroup:)`` waits for the
    /// server's first frame (`connect.challenge`). The Control UI waits 750 ms, then connects
    /// anyway; this client waits longer by default (10 s) because a missed challenge makes a
    /// signed connect impossible, and a busy server (or a loaded test machine) can be slow to send
    /// it. Set it short to talk to gateways known to send no challenge.
    public var challengeTimeout: Duration = .seconds(10)

    /// How long a request waits for its response unless the call gives its own timeout.
    public var requestTimeout: Duration = .seconds(10)

    /// Events kept for ``GatewaySession/events`` while nobody consumes them; the oldest are
    /// dropped beyond it. nil keeps all (a conformance run wants every frame). Benchmarks that
    /// never read the streams should set this and ``frameBufferLimit`` to a small number.
    public var eventBufferLimit: Int? = nil

    /// Frames kept for ``GatewaySession/frames`` while nobody consumes them, like ``eventBufferLimit``.
    public var frameBufferLimit: Int? = nil

    /// Most protocol violations remembered in ``GatewaySession/protocolViolations``; later ones are
    /// only counted, so a server spewing garbage cannot exhaust memory.
    public var protocolViolationLimit: Int = 1000

    /// A configuration with every default.
    public init() {}
}

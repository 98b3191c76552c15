import Foundation
@_exported import GatewayClient
@_exported import GeneratedProtocol

/// A typed client of an OpenClaw-compatible gateway (Kubeclaw, OpenClaw): one `async throws`
/// method per RPC (generated from the spec: `health()`, `chatSend(_:)`, `sessionsPatch(_:)`, …),
/// the gateway's events as ``KubeclawEvent``, and ``KubeclawClientProtocol`` naming the spec it
/// was generated from.
///
/// Connection, handshake, timeouts (with the `cancel` frame), `seq` gap detection and reconnects
/// are the runtime's (``ReconnectingClient`` in `GatewayClient`), available as ``runtime``.
///
/// ```swift
/// let client = KubeclawClient(url: URL(string: "ws://127.0.0.1:18789")!, auth: .token(token))
/// try await client.start()
/// print(try await client.health().ok)
/// await client.close()
/// ```
public final class KubeclawClient: Sendable {
    /// The untyped runtime underneath: `request(_:params:timeout:)` for any method, raw events.
    public let runtime: ReconnectingClient

    /// A client with these options; the protocol range defaults to every version of the spec.
    public init(options: GatewayClientOptions) {
        runtime = ReconnectingClient(options: options)
    }

    /// A client of the gateway at `url` with every other option at its default.
    public convenience init(url: URL, auth: GatewayClientAuth = .none) {
        var options = GatewayClientOptions(url: url, auth: auth)
        options.protocols = KubeclawClientProtocol.min...KubeclawClientProtocol.max
        self.init(options: options)
    }

    public var options: GatewayClientOptions { runtime.options }

    /// Where the client is (`idle`, `connecting`, `open`, `reconnecting`, `closed`).
    public var phase: ClientPhase { runtime.phase }

    /// The current connection's `hello-ok`.
    public var hello: HelloOk? { runtime.hello }

    /// The negotiated protocol version (3 or 4) of the current connection.
    public var negotiatedProtocol: Int? { runtime.negotiatedProtocol }

    /// Connects and completes the handshake (challenge, `connect`, `hello-ok`); a first failure
    /// throws and is not retried.
    @discardableResult
    public func start() async throws -> HelloOk {
        try await runtime.start()
    }

    /// Closes the connection and stops reconnecting. Idempotent.
    public func close() async {
        await runtime.close()
    }

    /// A new stream of typed events and connection reports from now on: subscribe before the
    /// call whose events you want. Ends when the client closes.
    public func events() -> AsyncStream<ClientEvent<KubeclawEvent>> {
        runtime.events { KubeclawEvent($0) }
    }

    /// Any method by name, untyped (see ``ReconnectingClient/request(_:params:timeout:)``).
    public func request(_ method: String, params: JSONValue? = nil, timeout: Duration? = nil) async throws -> JSONValue {
        try await runtime.request(method, params: params, timeout: timeout)
    }

    /// What the generated methods call.
    func call<Params: Encodable & Sendable, Result: Decodable>(
        _ method: String, _ params: Params, as type: Result.Type, timeout: Duration?
    ) async throws -> Result {
        try await runtime.call(method, params, as: type, timeout: timeout)
    }
}

import Foundation
import GeneratedProtocol

/// Everything a ``ReconnectingClient`` connects with, as the official OpenClaw client takes it:
/// `{url, token | password, protocol range, device identity (optional)}` plus timeouts and the
/// reconnect policy, with the defaults in one place.
public struct GatewayClientOptions: Sendable {
    /// The gateway's WebSocket URL, e.g. `ws://127.0.0.1:18789`.
    public var url: URL
    /// The secret sent in `connect.auth`.
    public var auth: GatewayClientAuth
    /// The protocol versions offered (`minProtocol`, `maxProtocol`): 3 through 4 by default, so
    /// today's gateways answer 4 and older ones 3.
    public var protocols: ClosedRange<Int> = 3...4
    /// A device identity to sign the handshake with (see ``DeviceIdentity``); nil connects without.
    public var device: DeviceIdentity?
    /// `connect.client.id`: which client is connecting (`gateway-client`, `cli`, `test`, …).
    public var clientID: String = "gateway-client"
    /// `connect.client.version`: the connecting program's version.
    public var clientVersion: String = "0.1.0"
    /// `connect.client.mode`: `backend`, `cli`, `ui`, `node`, `probe`, `test`, …
    public var clientMode: String = "backend"
    /// `connect.client.platform` (also signed by a device identity).
    public var platform: String = Self.currentPlatform
    /// `connect.role`.
    public var role: String = "operator"
    /// `connect.scopes`: read and write by default; `operator.admin` for `sessions.patch`,
    /// `sessions.delete`, `sessions.reset` and `chat.inject`.
    public var scopes: [String] = ["operator.read", "operator.write"]
    /// How long a request waits for its response unless the call says otherwise (30 s); then it
    /// fails with ``GatewayCallError/timedOut(method:id:)`` and a `cancel` frame is sent.
    public var requestTimeout: Duration = .seconds(30)
    /// How long the handshake may take (10 s).
    public var connectTimeout: Duration = .seconds(10)
    /// How long to wait for `connect.challenge` before connecting without it (750 ms, as the
    /// Control UI; a device identity needs the challenge's nonce).
    public var challengeTimeout: Duration = .milliseconds(750)
    /// What to do after an established connection is lost.
    public var reconnect = ReconnectPolicy()
    /// Unread reports kept per subscriber of ``ReconnectingClient/events()``.
    public var subscriberBufferLimit: Int = 10_000

    /// Options with every default.
    public init(url: URL, auth: GatewayClientAuth = .none) {
        self.url = url
        self.auth = auth
    }

    /// The platform name sent in `connect.client.platform`.
    public static var currentPlatform: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "darwin"
        #elseif os(Windows)
        "win32"
        #else
        "unknown"
        #endif
    }

    /// The `connect` params these options describe (unsigned).
    public func connectParams() -> ConnectParams {
        var params = ConnectParams(
            client: .init(
                id: .init(rawValue: clientID), mode: .init(rawValue: clientMode), platform: platform, version: clientVersion),
            maxProtocol: protocols.upperBound, minProtocol: protocols.lowerBound)
        params.role = role
        params.scopes = scopes
        var credentials = ConnectParams.Auth()
        switch auth {
        case .none: break
        case .token(let token): credentials.token = token
        case .password(let password): credentials.password = password
        case .deviceToken(let token): credentials.deviceToken = token
        }
        if auth != .none { params.auth = credentials }
        return params
    }
}

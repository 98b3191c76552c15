import Foundation
import GeneratedProtocol

/// Everything a conformance run needs to know, with its defaults in one place.
public struct ConformanceConfiguration: Sendable {
    /// The gateway's WebSocket URL, `ws://HOST:PORT[/path]`.
    public var url: URL
    /// The gateway's shared token. Without one, the runner connects without credentials and
    /// skips the cases that check how credentials are refused (`needsAuth`).
    public var token: String?
    /// Globs over case ids (`*` any run of characters, `?` one); a case runs when it matches
    /// any of them. Empty runs every case.
    public var only: [String] = []
    /// Skip the cases that wait for a model reply (`needsModel`).
    public var skipModel = false
    /// The longest the runner waits for any one thing: a response, an event, a close, a run's end.
    public var timeout: Duration = .seconds(30)
    /// How long a connection waits for `connect.challenge` before it sends `connect` anyway
    /// (the Control UI waits 750 ms). Only `protocol/challenge-first` insists on the challenge.
    public var challengeGrace: Duration = .milliseconds(750)
    /// After a run ends, how long the runner keeps watching for events that must not come
    /// (a delta after the end, a second terminal event).
    public var settleTime: Duration = .milliseconds(300)
    /// The total a case may spend waiting out rate limits (`retryAfterMs`) before it takes the
    /// rate-limited answer as the answer.
    public var maxRateLimitWait: Duration = .seconds(120)
    /// `connect.params.client.instanceId`: one client identity for the whole run, so the
    /// gateway's per-client rate limits see one client, as they would a real one.
    public var instanceId = "kubeclaw-conformance-\(UUID().uuidString.prefix(8).lowercased())"
    /// `connect.params.client.version`.
    public var clientVersion = "conformance"
    /// The protocol version the runner speaks (`minProtocol` = `maxProtocol`): cases that do not
    /// apply to it are skipped, and every frame is judged by that version's rules. Default: the
    /// newest version of the spec.
    public var protocolVersion = ConformanceSuite.newestProtocol
    /// Let the gateway choose: the preflight's `connect` offers every version of the spec and the
    /// run speaks the one hello-ok names (the newest the gateway accepts) instead of
    /// ``protocolVersion``. `kubeclaw conformance` without `--protocol` does this.
    public var negotiatesProtocol = false
    /// Check TCP, the upgrade and the handshake before the cases; when the gateway cannot be
    /// tested, explain that once and mark the cases that need what failed `blocked`.
    public var preflight = true
    /// A skipped case fails the run (`--strict`): every case must have been able to judge.
    public var strict = false
    /// A shell command (`/bin/sh -c`) that stops the gateway (`--shutdown-command`): run after
    /// every other case, so that `event/shutdown/payload` sees the `shutdown` event and the
    /// close after it. Without one that case is skipped unless the gateway stopped by itself.
    public var shutdownCommand: String?

    public init(url: URL, token: String? = nil) {
        self.url = url
        self.token = token
    }
}

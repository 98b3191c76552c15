import Foundation
import GeneratedProtocol
import Logging
import NIOWebSocket

/// The checks of one `connect`, as an explicit state machine: each state names what has been
/// established so far, each transition one check, in OpenClaw's order (`message-handler.ts`):
///
/// ```
/// received ─decode─▶ decoded ─negotiate─▶ negotiated ─role─▶ roleChecked ─lockout─▶ notLockedOut
///   ─device─▶ deviceChecked ─credentials─▶ admitted
/// ```
///
/// Any check can move to `rejected` instead, with the error and the close code the client gets.
/// Nothing is stored here: a device is recorded only after the whole handshake succeeded (by the
/// `connect` method), so a refused connect leaves no trace but the failure counter.
struct Handshake: Sendable {
    /// Where a handshake is; `admitted` and `rejected` are final.
    enum State: Sendable {
        case received(IncomingRequest)
        case decoded(ConnectParams)
        case negotiated(ConnectParams, ProtocolVersion)
        case roleChecked(Draft)
        case notLockedOut(Draft)
        case deviceChecked(Draft)
        case admitted(ConnectionInfo)
        case rejected(Rejection)

        var isFinal: Bool {
            switch self {
            case .admitted, .rejected: true
            default: false
            }
        }
    }

    /// What the checks so far established.
    struct Draft: Sendable {
        var params: ConnectParams
        var version: ProtocolVersion
        var role: String
        /// The scopes as sent, repeats dropped (the signature covers them as sent).
        var scopes: [String]
        var device: VerifiedDevice?
        var authMethod: AuthMethod = .none
    }

    /// A refused handshake: the answer and the close code that follows it.
    struct Rejection: Error, Sendable {
        var error: GatewayError
        var close: WebSocketErrorCode
        /// A credential failure (counted towards the address's lockout).
        var isAuthFailure = false
    }

    /// What the handshake of one connection knows besides the request.
    struct Subject: Sendable {
        var connId: String
        var upgrade: UpgradeRequest
        /// The nonce of this connection's `connect.challenge`.
        var challengeNonce: String
    }

    let authenticator: Authenticator
    let authFailures: AuthFailureLimiter
    let devices = DeviceIdentityVerifier()
    let authMode: AuthConfiguration.Mode
    let policy: ConnectionInfo.Policy
    let subscriptionLimit: Int
    /// Epoch milliseconds; tests move it.
    let nowMs: @Sendable () -> Int

    /// Runs every check of `request` and returns the final state (`admitted` or `rejected`).
    func evaluate(_ request: IncomingRequest, for subject: Subject) async -> State {
        var state = State.received(request)
        while !state.isFinal {
            state = await step(state, subject)
        }
        return state
    }

    /// One transition.
    func step(_ state: State, _ subject: Subject) async -> State {
        switch state {
        case .received(let request):
            return decode(request)
        case .decoded(let params):
            return negotiate(params)
        case .negotiated(let params, let version):
            return checkRole(params, version)
        case .roleChecked(let draft):
            return checkLockout(draft, subject)
        case .notLockedOut(let draft):
            return verifyDevice(draft, subject)
        case .deviceChecked(let draft):
            return await authenticate(draft, subject)
        case .admitted, .rejected:
            return state
        }
    }

    // MARK: Transitions

    private func decode(_ request: IncomingRequest) -> State {
        do {
            // Validated without version rules: the version is only known once negotiated.
            return .decoded(try ParamsDecoder.decode(
                request.params, as: ConnectParams.self, schema: MethodName.connect.schemas.params, method: .connect))
        } catch let error as GatewayError {
            return .rejected(Rejection(error: error, close: .policyViolation))
        } catch {
            return .rejected(Rejection(error: .invalidRequest("invalid connect params"), close: .policyViolation))
        }
    }

    private func negotiate(_ params: ConnectParams) -> State {
        guard let version = ProtocolVersion.negotiate(min: params.minProtocol, max: params.maxProtocol) else {
            return .rejected(Rejection(
                error: .protocolMismatch(min: params.minProtocol, max: params.maxProtocol),
                close: .protocolError))
        }
        return .negotiated(params, version)
    }

    private func checkRole(_ params: ConnectParams, _ version: ProtocolVersion) -> State {
        let role = params.role ?? "operator"
        guard role == "operator" || role == "node" else {
            return .rejected(Rejection(error: .invalidRequest("invalid role"), close: .policyViolation))
        }
        var seen: Set<String> = []
        let scopes = (params.scopes ?? []).filter { seen.insert($0).inserted }
        return .roleChecked(Draft(params: params, version: version, role: role, scopes: scopes))
    }

    private func checkLockout(_ draft: Draft, _ subject: Subject) -> State {
        if let waitMs = authFailures.lockoutRemainingMs(for: subject.upgrade.remoteAddress, isLoopback: subject.upgrade.isLoopback) {
            return .rejected(Rejection(error: .lockedOut(retryAfterMs: waitMs), close: .policyViolation))
        }
        return .notLockedOut(draft)
    }

    private func verifyDevice(_ draft: Draft, _ subject: Subject) -> State {
        guard let device = draft.params.device else { return .deviceChecked(draft) }
        let auth = draft.params.auth
        let claim = DeviceIdentityVerifier.Claim(
            device: device, client: draft.params.client, role: draft.role, scopes: draft.params.scopes ?? [],
            token: auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "")
        switch devices.verify(claim, challengeNonce: subject.challengeNonce, nowMs: nowMs()) {
        case .success(let verified):
            var next = draft
            next.device = verified
            return .deviceChecked(next)
        case .failure(let failure):
            return .rejected(Rejection(error: .deviceAuth(failure), close: .policyViolation))
        }
    }

    private func authenticate(_ draft: Draft, _ subject: Subject) async -> State {
        let result = await authenticator.authenticate(
            draft.params.auth, upgradeToken: subject.upgrade.token, device: draft.device, role: draft.role, scopes: draft.scopes)
        switch result {
        case .success(let method):
            var next = draft
            next.authMethod = method
            return .admitted(ConnectionInfo(
                connId: subject.connId, remoteAddress: subject.upgrade.remoteAddress, isLoopback: subject.upgrade.isLoopback,
                client: next.params.client, role: next.role, scopes: next.scopes, authMode: authMode, authMethod: method,
                device: next.device, protocolVersion: next.version, policy: policy,
                subscriptions: EventSubscriptions(keyLimit: subscriptionLimit), connectedAtMs: nowMs()))
        case .failure(let error):
            // A store outage is no wrong credential: it does not count towards the lockout.
            return .rejected(Rejection(error: error, close: .policyViolation, isAuthFailure: error.code == .invalidRequest))
        }
    }
}

import GeneratedProtocol

/// The transport's refusals as wire errors, in one place: the handshake (protocol, device
/// identity, credentials, lockout) and admission (a second `connect`, scopes, shutdown, budgets).
/// The gateway's domain errors are mapped in GatewayImpl's `WireErrors`.
extension GatewayError {
    /// `[minProtocol, maxProtocol]` holds no version this gateway speaks (then close 1002).
    static func protocolMismatch(min: Int, max: Int) -> GatewayError {
        .invalidRequest("protocol mismatch", details: [
            "code": .string(ErrorDetailCode.protocolMismatch.rawValue),
            "clientMinProtocol": .integer(min), "clientMaxProtocol": .integer(max),
            "expectedProtocol": .integer(ProtocolVersion.newest.rawValue),
            "supportedProtocols": .array(ProtocolVersion.supported.map { .integer($0.rawValue) }),
        ])
    }

    /// A device identity that does not verify (then close 1008).
    static func deviceAuth(_ failure: DeviceAuthFailure) -> GatewayError {
        .invalidRequest(failure.message, details: ["code": .string(failure.detailCode.rawValue), "reason": .string(failure.rawValue)])
    }

    /// Credentials refused (then close 1008), with OpenClaw's hints for the client.
    static func authFailure(
        _ message: String, code: ErrorDetailCode, reason: String, next: String, canRetryWithDeviceToken: Bool = false
    ) -> GatewayError {
        .invalidRequest(message, details: [
            "code": .string(code.rawValue), "authReason": .string(reason),
            "canRetryWithDeviceToken": .bool(canRetryWithDeviceToken), "recommendedNextStep": .string(next),
        ])
    }

    /// The lockout answer for an address with too many failures.
    static func lockedOut(retryAfterMs: Int) -> GatewayError {
        var error = authFailure(
            "unauthorized: too many failed authentication attempts; retry later",
            code: .authRateLimited, reason: "rate_limited", next: "wait_then_retry")
        error.retryable = true
        error.retryAfterMs = retryAfterMs
        return error
    }

    static let connectAgain = GatewayError.invalidRequest("connect is only valid as the first request")

    static func missingScope(_ scope: Scope) -> GatewayError {
        .invalidRequest("missing scope: \(scope.rawValue)", details: ["scope": .string(scope.rawValue)])
    }

    static let draining = GatewayError.unavailable("gateway is shutting down; reconnect shortly", retryAfterMs: 1000)

    /// A request over its budget (`messages` per `windowSeconds`).
    static func rateLimited(_ method: MethodName, messages: Int, windowSeconds: Int, retryAfterMs: Int) -> GatewayError {
        GatewayError(
            ProtocolLimits.rateLimitErrorCode,
            "rate limit exceeded for \(method.rawValue); retry after \(max(1, (retryAfterMs + 999) / 1000))s",
            details: ["method": .string(method.rawValue), "limit": .string("\(messages) per \(windowSeconds)s")],
            retryable: true, retryAfterMs: retryAfterMs)
    }
}

import GeneratedProtocol

/// Checks the shared secret a client presents in `connect.params.auth` (or, for clients of
/// the older seed, as `?token=` / `x-gateway-token` on the upgrade request).
struct Authenticator: Sendable {
    let configuration: AuthConfiguration

    /// Nil when the client may proceed; otherwise the error OpenClaw answers with.
    func failure(for auth: ConnectParams.Auth?, upgradeToken: String?) -> GatewayError? {
        switch configuration.mode {
        case .none:
            return nil
        case .token:
            guard let presented = auth?.token ?? upgradeToken, !presented.isEmpty else {
                return Self.error(
                    "unauthorized: gateway token missing (send connect.params.auth.token)",
                    code: "AUTH_TOKEN_MISSING", reason: "token_missing", next: "update_auth_configuration")
            }
            return Self.constantTimeEquals(presented, configuration.secret ?? "") ? nil : Self.error(
                "unauthorized: gateway token mismatch (use the gateway's OPENCLAW_GATEWAY_TOKEN)",
                code: "AUTH_TOKEN_MISMATCH", reason: "token_mismatch", next: "update_auth_credentials")
        case .password:
            guard let presented = auth?.password, !presented.isEmpty else {
                return Self.error(
                    "unauthorized: gateway password missing (send connect.params.auth.password)",
                    code: "AUTH_PASSWORD_MISSING", reason: "password_missing", next: "update_auth_configuration")
            }
            return Self.constantTimeEquals(presented, configuration.secret ?? "") ? nil : Self.error(
                "unauthorized: gateway password mismatch",
                code: "AUTH_PASSWORD_MISMATCH", reason: "password_mismatch", next: "update_auth_credentials")
        }
    }

    /// The lockout answer for an address with too many failures.
    static func lockedOut(retryAfterMs: Int) -> GatewayError {
        var error = Self.error(
            "unauthorized: too many failed authentication attempts; retry later",
            code: "AUTH_RATE_LIMITED", reason: "rate_limited", next: "wait_then_retry")
        error.retryable = true
        error.retryAfterMs = retryAfterMs
        return error
    }

    private static func error(_ message: String, code: String, reason: String, next: String) -> GatewayError {
        .invalidRequest(message, details: [
            "code": .string(code), "authReason": .string(reason), "canRetryWithDeviceToken": false,
            "recommendedNextStep": .string(next),
        ])
    }

    /// Compares without an early exit, so the time taken says nothing about where the
    /// strings differ (only, at most, about the length of the expected secret).
    static func constantTimeEquals(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        var difference = UInt(a.count ^ b.count)
        for index in b.indices {
            let left = index < a.count ? a[index] : 0
            difference |= UInt(left ^ b[index])
        }
        return difference == 0 && !b.isEmpty
    }
}

import GeneratedProtocol

/// Checks the credentials of a `connect`: the shared secret in `connect.params.auth` (or, for
/// clients of the older seed, `?token=` / `x-gateway-token` on the upgrade request), or — for a
/// connection with a verified device identity — that device's token, sent as `auth.deviceToken`
/// or, as today's Control UI does, as `auth.token` in place of the shared token.
struct Authenticator: Sendable {
    let configuration: AuthConfiguration
    let deviceTokens: (any DeviceTokenVerifier)?

    init(configuration: AuthConfiguration, deviceTokens: (any DeviceTokenVerifier)? = nil) {
        self.configuration = configuration
        self.deviceTokens = deviceTokens
    }

    /// How the client authenticated, or the error OpenClaw answers with.
    func authenticate(
        _ auth: ConnectParams.Auth?, upgradeToken: String?, device: VerifiedDevice?, role: String, scopes: [String]
    ) async -> Result<AuthMethod, GatewayError> {
        let secretMethod: AuthMethod
        let presented: String?
        switch configuration.mode {
        case .none:
            return .success(.none)
        case .token:
            secretMethod = .token
            presented = Self.nonEmpty(auth?.token) ?? Self.nonEmpty(upgradeToken)
        case .password:
            secretMethod = .password
            presented = Self.nonEmpty(auth?.password)
        }
        if let presented, Self.constantTimeEquals(presented, configuration.secret ?? "") {
            return .success(secretMethod)
        }
        // A device token: named as such, or the token a device sends in place of the shared one.
        let explicitDeviceToken = Self.nonEmpty(auth?.deviceToken)
        if let device, let candidate = explicitDeviceToken ?? Self.nonEmpty(auth?.token), let verifier = deviceTokens {
            switch await verifier.check(token: candidate, deviceId: device.id, role: role, scopes: scopes) {
            case .valid:
                return .success(.deviceToken)
            case .scopeMismatch:
                return .failure(.authFailure(
                    "unauthorized: the device token was issued for fewer scopes; connect with the gateway token to get a new one",
                    code: .authScopeMismatch, reason: "scope_mismatch", next: "review_auth_configuration"))
            case .unavailable:
                return .failure(.unavailable("device registry unavailable; retry shortly", retryAfterMs: 1000))
            case .mismatch where explicitDeviceToken != nil || presented == nil || candidate.hasPrefix(verifier.tokenPrefix):
                return .failure(.authFailure(
                    "unauthorized: device token mismatch (revoked, or issued to another device or role)",
                    code: .authDeviceTokenMismatch, reason: "device_token_mismatch", next: "update_auth_credentials"))
            case .mismatch:
                break
            }
        }
        let canRetry = device != nil && explicitDeviceToken == nil && Self.nonEmpty(auth?.token) != nil
        switch (secretMethod, presented) {
        case (.password, nil):
            return .failure(.authFailure(
                "unauthorized: gateway password missing (send connect.params.auth.password)",
                code: .authPasswordMissing, reason: "password_missing", next: "update_auth_configuration"))
        case (.password, _):
            return .failure(.authFailure(
                "unauthorized: gateway password mismatch", code: .authPasswordMismatch, reason: "password_mismatch",
                next: "update_auth_credentials"))
        case (_, nil):
            return .failure(.authFailure(
                "unauthorized: gateway token missing (send connect.params.auth.token)",
                code: .authTokenMissing, reason: "token_missing", next: "update_auth_configuration"))
        default:
            return .failure(.authFailure(
                "unauthorized: gateway token mismatch (use the gateway's OPENCLAW_GATEWAY_TOKEN)",
                code: .authTokenMismatch, reason: "token_mismatch", next: canRetry ? "retry_with_device_token" : "update_auth_credentials",
                canRetryWithDeviceToken: canRetry))
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
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

import GeneratedProtocol

/// The gateway's domain errors as wire errors, in one place: the store, chat-run limits, the
/// model catalog, session keys and device records. Handlers throw these (or `GatewayError`s built
/// for a business rule on the spot); the transport's own errors (handshake, auth, scopes, budgets)
/// are mapped in Runtime's `HandshakeErrors`.
extension GatewayError {
    /// The wire error for a failed store call: a label taken is the client's mistake
    /// (`INVALID_REQUEST`); everything else is `UNAVAILABLE` with a retry hint and the store's
    /// reason (e.g. `kubeclaw.sqlite: database or disk is full (SQLite 13)`: never a directory).
    static func store(_ error: any Error) -> GatewayError {
        switch error {
        case let error as GatewayError: error
        case SessionStoreError.labelInUse(let label): .invalidRequest("label already in use: \(label)")
        case SessionStoreError.closed: .unavailable("session store is closed", retryAfterMs: 1000)
        case SessionStoreError.unavailable(let message): .unavailable("session store unavailable: \(message)", retryAfterMs: 1000)
        default: .unavailable("session store unavailable", retryAfterMs: 1000)
        }
    }

    /// A concurrency limit refused `chat.send`: `UNAVAILABLE`, retryable, `details.code` naming
    /// the limit (spec `errorDetails`), so a client can tell it from a backend failure.
    static func chatRun(_ refusal: ChatRunRefusal) -> GatewayError {
        switch refusal {
        case .sessionBusy(let runId):
            GatewayError(
                .unavailable, "a run of this session is still streaming; wait for its final event or chat.abort it",
                details: ["code": .string(ErrorDetailCode.chatRunActive.rawValue), "runId": .string(runId)],
                retryable: true, retryAfterMs: 1000)
        case .tooManyRuns(let limit):
            GatewayError(
                .unavailable, "too many chat runs streaming for this client (at most \(limit) at once)",
                details: ["code": .string(ErrorDetailCode.chatRunLimit.rawValue), "limit": .integer(limit)],
                retryable: true, retryAfterMs: 1000)
        }
    }

    /// A provider's model list could not be read. A missing API key is the client's choice of
    /// model (`INVALID_REQUEST`); anything else is `UNAVAILABLE`, with the provider's scrubbed
    /// reason when `showingReason`.
    static func modelCatalog(_ failure: ModelBackendError, showingReason: Bool = false) -> GatewayError {
        if case .missingAPIKey = failure { return .invalidRequest("invalid model: \(failure.message)") }
        return .unavailable(showingReason ? "model catalog unavailable: \(failure.message)" : "model catalog unavailable", retryAfterMs: 2000)
    }

    /// A session key that does not parse.
    static func sessionKey(_ error: SessionKey.ParseError) -> GatewayError {
        .invalidRequest(error.message)
    }

    /// The device of a connect could not be recorded (or its token issued).
    static let deviceNotRecorded = GatewayError.unavailable("could not record the device; retry shortly", retryAfterMs: 1000)
}

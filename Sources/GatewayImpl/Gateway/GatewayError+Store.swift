import GeneratedProtocol

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
}

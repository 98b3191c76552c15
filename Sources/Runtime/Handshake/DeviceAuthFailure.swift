import GeneratedProtocol

/// Why a `connect`'s device identity was refused, in OpenClaw's terms (`reason`) and as the
/// wire's `details.code`. Every one is answered `INVALID_REQUEST`, then close 1008.
enum DeviceAuthFailure: String, Error, Sendable, CaseIterable {
    case deviceIdMismatch = "device-id-mismatch"
    case signatureStale = "device-signature-stale"
    case nonceMissing = "device-nonce-missing"
    case nonceMismatch = "device-nonce-mismatch"
    case signatureInvalid = "device-signature"
    case publicKeyInvalid = "device-public-key"

    var detailCode: ErrorDetailCode {
        switch self {
        case .deviceIdMismatch: .deviceAuthDeviceIdMismatch
        case .signatureStale: .deviceAuthSignatureExpired
        case .nonceMissing: .deviceAuthNonceRequired
        case .nonceMismatch: .deviceAuthNonceMismatch
        case .signatureInvalid: .deviceAuthSignatureInvalid
        case .publicKeyInvalid: .deviceAuthPublicKeyInvalid
        }
    }

    var message: String {
        switch self {
        case .deviceIdMismatch: "device identity mismatch"
        case .signatureStale: "device signature expired"
        case .nonceMissing: "device nonce required"
        case .nonceMismatch: "device nonce mismatch"
        case .signatureInvalid: "device signature invalid"
        case .publicKeyInvalid: "device public key invalid"
        }
    }
}

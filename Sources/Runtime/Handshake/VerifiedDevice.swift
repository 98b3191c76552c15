/// A device identity whose key, nonce, time and signature all checked out for this connection.
public struct VerifiedDevice: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the raw Ed25519 public key.
    public var id: String
    /// The raw 32-byte public key as unpadded base64url.
    public var publicKey: String
    /// `client.platform` / `client.deviceFamily` as signed (trimmed, A–Z lower-cased).
    public var platform: String
    public var deviceFamily: String
    /// Which payload the signature covered: `v3` (Swift apps) or `v2` (the Control UI).
    public var payloadVersion: String

    public init(id: String, publicKey: String, platform: String, deviceFamily: String, payloadVersion: String) {
        self.id = id
        self.publicKey = publicKey
        self.platform = platform
        self.deviceFamily = deviceFamily
        self.payloadVersion = payloadVersion
    }
}

/// A client device that proved its Ed25519 identity while presenting the gateway's shared
/// secret (`connect`), and so was approved: what `kubeclaw devices list` shows.
public struct DeviceRecord: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the raw public key; the primary key.
    public var id: String
    /// The raw 32-byte Ed25519 public key, unpadded base64url.
    public var publicKey: String
    /// `client.platform` / `client.deviceFamily` as the device signed them (trimmed, A–Z lower-cased).
    public var platform: String
    public var deviceFamily: String
    /// `client.id` / `client.mode` / `client.displayName` of its latest recorded connect.
    public var clientId: String
    public var clientMode: String
    public var displayName: String?
    /// First recorded, milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// Latest connect (with the shared secret or its device token), milliseconds since the Unix epoch.
    public var lastSeenAt: Int64
    /// Its tokens, one per role (live or revoked). Filled by ``DeviceStore/devices()``; ignored by
    /// ``DeviceStore/recordDevice(_:token:)``.
    public var tokens: [DeviceTokenRecord]

    public init(
        id: String, publicKey: String, platform: String, deviceFamily: String, clientId: String, clientMode: String,
        displayName: String? = nil, createdAt: Int64, lastSeenAt: Int64, tokens: [DeviceTokenRecord] = []
    ) {
        self.id = id
        self.publicKey = publicKey
        self.platform = platform
        self.deviceFamily = deviceFamily
        self.clientId = clientId
        self.clientMode = clientMode
        self.displayName = displayName
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.tokens = tokens
    }
}

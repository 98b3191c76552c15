/// A device token just issued: the text goes to the device once (`hello-ok.auth.deviceToken`);
/// the store keeps only its hash.
public struct IssuedDeviceToken: Sendable, Equatable {
    public var token: String
    public var issuedAt: Int64
}

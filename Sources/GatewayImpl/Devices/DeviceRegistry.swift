import Crypto
import Foundation
import GeneratedProtocol

/// The approved devices: records a device that connected with the shared secret and issues it a
/// token bound to its id, role and scopes; checks such a token on later connects. Tokens are
/// `kdt_` plus 32 random bytes (base64url); only their SHA-256 is stored. See docs/devices.md.
public struct DeviceRegistry: Sendable {
    /// What every issued token starts with (the transport recognises stale ones by it).
    public static let issuedTokenPrefix = "kdt_"

    let store: any DeviceStore

    public init(store: any DeviceStore) {
        self.store = store
    }

    /// Records the device (or refreshes it) and issues it a new token for `role` and `scopes`,
    /// replacing its previous one for that role.
    public func issue(for device: DeviceRecord, role: String, scopes: [String], at now: Int64) async throws -> IssuedDeviceToken {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = Self.issuedTokenPrefix + Self.base64URL(Data(bytes))
        let record = DeviceTokenRecord(
            deviceId: device.id, role: role, scopes: scopes, tokenHash: Self.hash(token), issuedAt: now)
        try await store.recordDevice(device, token: record)
        return IssuedDeviceToken(token: token, issuedAt: now)
    }

    /// Whether `token` is `deviceId`'s live token for `role`, covering `scopes`
    /// (`operator.admin` covers every scope).
    public func verify(token: String, deviceId: String, role: String, scopes: [String]) async -> DeviceTokenVerdict {
        let stored: DeviceTokenRecord?
        do {
            stored = try await store.deviceToken(deviceId: deviceId, role: role)
        } catch {
            return .unavailable
        }
        guard let stored, stored.isLive, Self.constantTimeEquals(Self.hash(token), stored.tokenHash) else { return .mismatch }
        let granted = Set(stored.scopes)
        guard granted.contains(Scope.operatorAdmin.rawValue) || Set(scopes).isSubset(of: granted) else { return .scopeMismatch }
        return .valid
    }

    /// Notes a connect made with the device's token.
    public func markSeen(deviceId: String, at now: Int64) async throws {
        _ = try await store.markDeviceSeen(id: deviceId, at: now)
    }

    /// Lowercase hex SHA-256 of the token text.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

import Foundation
import GatewayImpl

/// How `kubeclaw devices list` shows devices.
enum DeviceListing {
    static func table(_ devices: [DeviceRecord]) -> String {
        guard !devices.isEmpty else { return "no devices" }
        var lines = ["DEVICE            CLIENT                 PLATFORM    LAST SEEN             TOKENS"]
        for device in devices {
            let tokens = device.tokens.map { "\($0.role)\($0.isLive ? "" : " (revoked)")" }.joined(separator: ", ")
            lines.append([
                pad(String(device.id.prefix(16)), 18), pad(device.displayName ?? device.clientId, 23), pad(device.platform, 12),
                pad(time(device.lastSeenAt), 22), tokens.isEmpty ? "-" : tokens,
            ].joined())
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ device: DeviceRecord) -> String {
        let object: [String: Any] = [
            "id": device.id, "publicKey": device.publicKey, "platform": device.platform, "deviceFamily": device.deviceFamily,
            "clientId": device.clientId, "clientMode": device.clientMode, "displayName": device.displayName ?? NSNull(),
            "createdAt": device.createdAt, "lastSeenAt": device.lastSeenAt,
            "tokens": device.tokens.map { token -> [String: Any] in
                ["role": token.role, "scopes": token.scopes, "issuedAt": token.issuedAt, "revokedAt": token.revokedAt ?? NSNull()]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func time(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}

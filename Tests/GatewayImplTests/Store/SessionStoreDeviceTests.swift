import GatewayImpl
import Testing

/// Approved devices and their tokens (``DeviceStore``), the same on both backends.
@Suite("Session store: devices")
struct SessionStoreDeviceTests {
    private static func device(_ id: String, seen: Int64, name: String? = nil) -> DeviceRecord {
        DeviceRecord(
            id: id, publicKey: "pk-\(id)", platform: "linux", deviceFamily: "desktop", clientId: "cli", clientMode: "cli",
            displayName: name, createdAt: seen, lastSeenAt: seen)
    }

    private static func token(_ deviceId: String, role: String = "operator", hash: String, at: Int64) -> DeviceTokenRecord {
        DeviceTokenRecord(deviceId: deviceId, role: role, scopes: ["operator.read", "operator.write"], tokenHash: hash, issuedAt: at)
    }

    @Test("recording a device stores it with its token; recording again updates metadata, keeps createdAt, replaces the role's token", arguments: StoreBackend.allCases)
    func recordAndReplace(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.recordDevice(Self.device("d1", seen: 100), token: Self.token("d1", hash: "h1", at: 100))
            #expect(try await store.deviceToken(deviceId: "d1", role: "operator") == Self.token("d1", hash: "h1", at: 100))
            #expect(try await store.deviceToken(deviceId: "d1", role: "node") == nil)

            var again = Self.device("d1", seen: 200, name: "laptop")
            again.createdAt = 200
            try await store.recordDevice(again, token: Self.token("d1", hash: "h2", at: 200))
            let listed = try await store.devices()
            #expect(listed.count == 1)
            #expect(listed.first?.createdAt == 100)
            #expect(listed.first?.lastSeenAt == 200)
            #expect(listed.first?.displayName == "laptop")
            #expect(listed.first?.tokens == [Self.token("d1", hash: "h2", at: 200)])
        }
    }

    @Test("devices are listed most recently seen first, each with its tokens sorted by role", arguments: StoreBackend.allCases)
    func listing(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.recordDevice(Self.device("old", seen: 10), token: Self.token("old", hash: "a", at: 10))
            try await store.recordDevice(Self.device("new", seen: 20), token: Self.token("new", role: "operator", hash: "b", at: 20))
            try await store.recordDevice(Self.device("new", seen: 20), token: Self.token("new", role: "node", hash: "c", at: 20))
            let listed = try await store.devices()
            #expect(listed.map(\.id) == ["new", "old"])
            #expect(listed.first?.tokens.map(\.role) == ["node", "operator"])
        }
    }

    @Test("markDeviceSeen moves lastSeenAt forward only; unknown devices report false", arguments: StoreBackend.allCases)
    func seen(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.recordDevice(Self.device("d1", seen: 100), token: Self.token("d1", hash: "h", at: 100))
            #expect(try await store.markDeviceSeen(id: "d1", at: 300))
            #expect(try await store.markDeviceSeen(id: "d1", at: 200))
            #expect(try await store.devices().first?.lastSeenAt == 300)
            #expect(try await store.markDeviceSeen(id: "ghost", at: 300) == false)
        }
    }

    @Test("revoking marks every live token revoked once; the device stays listed", arguments: StoreBackend.allCases)
    func revoke(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.recordDevice(Self.device("d1", seen: 100), token: Self.token("d1", role: "operator", hash: "a", at: 100))
            try await store.recordDevice(Self.device("d1", seen: 100), token: Self.token("d1", role: "node", hash: "b", at: 100))
            #expect(try await store.revokeDevice(id: "d1", at: 500) == 2)
            #expect(try await store.revokeDevice(id: "d1", at: 600) == 0)
            #expect(try await store.revokeDevice(id: "ghost", at: 600) == 0)
            let tokens = try await store.devices().first?.tokens ?? []
            #expect(tokens.count == 2)
            #expect(tokens.allSatisfy { $0.revokedAt == 500 && !$0.isLive })
        }
    }
}

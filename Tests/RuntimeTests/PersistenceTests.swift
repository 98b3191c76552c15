import Foundation
import GatewayClient
import GeneratedProtocol
import Testing

/// What the gateway stores survives a restart on the same data directory.
@Suite struct PersistenceTests {
    @Test("sessions, their labels and overrides survive a restart; a deleted session stays deleted")
    func sessionsSurviveRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-restart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var sessionId: JSONValue?
        try await withGateway(dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let patched = try await session.request(
                "sessions.patch", params: ["key": "agent:main:keep", "label": "Keep me", "thinkingLevel": "high"])
            #expect(patched.ok)
            sessionId = patched.payload?["entry"]?["sessionId"]
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:gone"]).ok)
            #expect(try await session.request("sessions.delete", params: ["key": "agent:main:gone"]).payload?["deleted"] == true)
            await session.close()
        }

        try await withGateway(dataDirectory: directory) { gateway in
            let session = try await gateway.connect()
            let listed = try await session.request("sessions.list", params: ["label": "Keep me"])
            let rows = listed.payload?["sessions"]?.arrayValue ?? []
            #expect(rows.count == 1)
            #expect(rows.first?["key"] == "agent:main:keep")
            #expect(rows.first?["sessionId"] == sessionId)
            #expect(rows.first?["thinkingLevel"] == "high")
            let all = try await session.request("sessions.list").payload?["sessions"]?.arrayValue ?? []
            #expect(all.compactMap { $0["key"]?.stringValue } == ["agent:main:keep"])
            // The label is still taken after the restart.
            let clash = try await session.request("sessions.patch", params: ["key": "agent:main:other", "label": "Keep me"])
            #expect(clash.error?.message == "label already in use: Keep me")
            await session.close()
        }
    }
}

import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import OllamaSimulator
import Testing

/// Sessions idle past the retention are deleted with their transcripts, transcripts are cut to
/// the newest messages, and a session with a streaming run is never deleted under it.
@Suite(.timeLimit(.minutes(5)))
struct RetentionTests {
    static let day: Int64 = 86_400_000

    @Test("a session idle past the retention is gone from sessions.list and chat.history; a long transcript keeps its newest messages")
    func idleSessionsAndLongTranscripts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-retention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Written as an earlier process would have left them.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let store = try SQLiteSessionStore(directory: directory)
        for (key, updatedAt, count) in [("agent:main:stale", now - 40 * Self.day, 3), ("agent:main:chatty", now - Self.day, 30)] {
            try await store.saveSession(SessionRecord(
                key: key, sessionId: UUID().uuidString.lowercased(), agentId: "main", createdAt: updatedAt, updatedAt: updatedAt))
            for index in 0..<count {
                _ = try await store.appendMessage(StoredMessage(
                    sessionKey: key, role: index % 2 == 0 ? "user" : "assistant", content: [["type": "text", "text": .string("m\(index)")]],
                    timestamp: updatedAt))
            }
        }
        try await store.close()

        try await withGateway(dataDirectory: directory, assemble: {
            $0.retention = RetentionPolicy(sessionRetentionDays: 30, maxMessagesPerSession: 20)
            $0.retention.sweepInterval = .milliseconds(100)
        }) { gateway in
            let session = try await gateway.connect()
            func keys() async throws -> [String] {
                try await session.request("sessions.list", params: ["includeGlobal": true]).payload?["sessions"]?.arrayValue?
                    .compactMap { $0["key"]?.stringValue } ?? []
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                let stale = try await keys().contains("agent:main:stale")
                let chatty = try await session.historyMessages("agent:main:chatty").count
                if !stale && chatty <= 20 { break }
                guard ContinuousClock.now < deadline else { throw TestFailure("no retention sweep within 60 s") }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await keys() == ["agent:main:chatty"])
            #expect(try await session.historyMessages("agent:main:stale").isEmpty)
            let kept = try await session.historyMessages("agent:main:chatty").compactMap(RunEvents.text(of:))
            #expect(kept == (10..<30).map { "m\($0)" }, "the newest 20, in order")
            await session.close()
        }
    }

    @Test("a session with a streaming run outlives the retention until its run ends; subscribers hear sessions.changed delete")
    func activeSessionKept() async throws {
        let slow = SimulatorBehaviour(reply: .text((1...12).map { "w\($0)" }.joined(separator: " ")), tokensPerSecond: 10)
        try await withGateway(behaviour: slow, assemble: {
            $0.retention.sessionRetention = .milliseconds(300)
            $0.retention.sweepInterval = .milliseconds(50)
        }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            #expect(try await session.request("sessions.subscribe").ok)
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:idle"]).ok)
            let runId = try await session.startChat("go", sessionKey: "agent:main:busy")

            // The idle session goes 300 ms after its patch; the busy one, as old, streams on.
            _ = try await recorder.event("sessions.changed", timeout: .seconds(30)) {
                $0["reason"] == "delete" && $0["sessionKey"] == "agent:main:idle"
            }
            #expect(try await recorder.run(runId, timeout: .seconds(30)).terminal["state"] == "final")
            let finalIndex = try await recorder.event("chat") { $0["runId"] == .string(runId) && $0["state"] == "final" }.index
            let busyDeleted = try await recorder.event("sessions.changed", timeout: .seconds(30)) {
                $0["reason"] == "delete" && $0["sessionKey"] == "agent:main:busy"
            }
            #expect(busyDeleted.index > finalIndex, "deleted only after its run ended")
            await session.close()
        }
    }
}

import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import OllamaSimulator
import Testing

/// The data directory's volume runs full while the gateway serves (a real tmpfs filled to the
/// last block, so SQLite gets `SQLITE_FULL` from real `ENOSPC`): writes fail with a typed
/// error naming the cause, the process and its connections stay up, nothing is half-written,
/// and once space is back the same keys work and the history is consistent.
@Suite(.timeLimit(.minutes(2)), .enabled(if: TinyFilesystem.isAvailable, "mounting a tmpfs needs privileges"))
struct DiskFullTests {
    @Test("a full disk: UNAVAILABLE 'database or disk is full' for chat.send and sessions.patch, a streaming run ends with error; after space is freed the keys work and history is whole")
    func fullDisk() async throws {
        try await TinyFilesystem.with(kibibytes: 4096) { mount in
            let echo = SimulatorBehaviour(reply: .echo, tokensPerSecond: 20)
            try await withGateway(behaviour: echo, dataDirectory: mount + "/data", assemble: { $0.diskProbeInterval = .zero }) { gateway in
                let session = try await gateway.connect()
                let recorder = FrameRecorder(session)
                let before = try await session.startChat("before")
                #expect(try await recorder.run(before).terminal["state"] == "final")

                // A run streaming when the disk fills: its reply cannot be saved.
                let long = (1...40).map { "w\($0)" }.joined(separator: " ")
                let streaming = try await session.startChat(long)
                _ = try await recorder.event("chat") { $0["runId"] == .string(streaming) && $0["state"] == "delta" }
                let filler = mount + "/filler"
                try TinyFilesystem.fill(filler)

                let cut = try await recorder.run(streaming, timeout: .seconds(15)).terminal
                #expect(cut["state"] == "error")
                #expect(cut["errorMessage"]?.stringValue?.contains("could not be saved") == true, "\(cut)")

                let during = UUID().uuidString.lowercased()
                let refused = try await session.chatSend("after", idempotencyKey: during)
                #expect(!refused.ok && refused.error?.code == "UNAVAILABLE", "\(refused)")
                #expect(refused.error?.message.contains("database or disk is full") == true, "\(String(describing: refused.error))")
                #expect(refused.error?.retryAfterMs != nil)
                let patch = try await session.request("sessions.patch", params: ["key": "agent:main:main", "label": "full"])
                #expect(!patch.ok && patch.error?.code == "UNAVAILABLE", "\(patch)")
                #expect(patch.error?.message.contains("database or disk is full") == true, "\(String(describing: patch.error))")
                // Up, and saying why it is not ready.
                #expect(try await session.request("health").ok)
                #expect(try await gateway.http("/readyz").status == 503)
                #expect(try await gateway.http("/healthz").status == 200)

                try FileManager.default.removeItem(atPath: filler)
                #expect(try await gateway.http("/readyz").status == 200)
                // The run whose outcome could not be saved is over, not in flight forever.
                let resent = try await session.chatSend(long, idempotencyKey: streaming)
                #expect(!resent.ok && resent.payload?["status"] == "error", "\(resent)")
                // The refused send never started: its key starts now.
                _ = try await session.startChat("after", idempotencyKey: during)
                #expect(try await recorder.run(during).terminal["state"] == "final")
                #expect(try await session.request("sessions.patch", params: ["key": "agent:main:main", "label": "full"]).ok)

                let history = try await session.historyMessages()
                #expect(history.compactMap(RunEvents.text(of:)) == ["before", "before", long, "after", "after"], "\(history)")
                let database = DatabaseFile(path: mount + "/data/" + SQLiteSessionStore.fileName)
                #expect(try await database.integrityCheck() == ["ok"])
                #expect(try await database.runs(status: "running").isEmpty)
                await session.close()
            }
        }
    }
}

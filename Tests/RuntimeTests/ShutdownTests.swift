import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import Testing

/// Graceful shutdown, in-process and in the real `kubeclaw` binary under SIGTERM.
@Suite struct ShutdownTests {
    @Test("shutdown sends the shutdown event, then closes with 1012, and refuses new connections")
    func inProcessShutdown() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            gateway.server.shutdown()
            let event = try await recorder.event("shutdown")
            #expect(event.json?["payload"] == ["reason": "gateway stopping"])
            #expect(event.event?.seq != nil)
            #expect(try await recorder.closeCode() == 1012)
            #expect(session.closeReason == "service restart")
            await #expect(throws: WebSocketConnectionError.self) {
                _ = try await gateway.open()
            }
        }
    }

    @Test("SIGTERM to kubeclaw serve sends shutdown, closes with 1012 and exits 0")
    func sigterm() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-sigterm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try await RunningSimulator.start(directory: directory)
        defer { simulator.process.stop() }
        let gateway = try await RunningGateway.start(
            directory: directory, token: "sigterm-\(UUID().uuidString)",
            arguments: ["--ollama-url", simulator.url, "--shutdown-grace", "2"])
        defer { gateway.process.stop() }

        let session = try await gateway.connect()
        let recorder = FrameRecorder(session)
        // The process serves the backend it was pointed at.
        #expect(try await session.request("models.list").payload?["models"]?.arrayValue?.count == 2)
        #expect(try await gateway.http("/readyz").status == 200)

        gateway.process.signal(SIGTERM)
        let event = try await recorder.event("shutdown")
        #expect(event.json?["payload"]?["reason"] == "gateway stopping")
        #expect(try await recorder.closeCode() == 1012)
        let status = try await gateway.process.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "kubeclaw did not exit 0 after SIGTERM; output:\n\(gateway.process.output)")

        simulator.process.signal(SIGTERM)
        #expect(try await simulator.process.waitForExit(timeout: .seconds(10)) == 0)
    }

    @Test("SIGTERM during streams: every client gets shutdown and 1012, exit 0; the runs are stored aborted with their partial replies")
    func sigtermDuringStreams() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-sigterm-runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 200 words at 5 per second: forty seconds each, far longer than the 2 s grace, and long
        // enough that a loaded machine still signals while every run streams.
        let simulator = try await RunningSimulator.start(directory: directory, arguments: ["--echo", "--tokens-per-second", "5"])
        defer { simulator.process.stop() }
        let token = "sigterm-runs-\(UUID().uuidString)"
        let arguments = ["--ollama-url", simulator.url, "--shutdown-grace", "2", "--rate-limit", "0", "--max-runs-per-client", "0"]
        let gateway = try await RunningGateway.start(directory: directory, token: token, arguments: arguments)
        defer { gateway.process.stop() }

        let prompt = (1...200).map { "word\($0)" }.joined(separator: " ")
        var streams: [(recorder: FrameRecorder, runId: String, sessionKey: String)] = []
        for index in 0..<5 {
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let sessionKey = "sigterm-\(index)"
            streams.append((recorder, try await session.startChat(prompt, sessionKey: sessionKey), sessionKey))
        }
        var seen: [String: String] = [:]
        for stream in streams {
            let delta = try await stream.recorder.event("chat") { $0["runId"] == .string(stream.runId) && $0["state"] == "delta" }
            seen[stream.runId] = delta.json.flatMap { $0["payload"] }.flatMap(RunEvents.text(of:)) ?? ""
        }

        gateway.process.signal(SIGTERM)
        for stream in streams {
            _ = try await stream.recorder.event("shutdown")
            #expect(try await stream.recorder.closeCode() == 1012)
            #expect(!stream.recorder.events(of: stream.runId).chat.contains { $0["state"] == "final" }, "still streaming at the signal")
        }
        let status = try await gateway.process.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "kubeclaw did not exit 0 after SIGTERM; output:\n\(gateway.process.output)")

        let database = DatabaseFile(path: directory + "/data/" + SQLiteSessionStore.fileName)
        #expect(try await database.integrityCheck() == ["ok"])
        #expect(try await database.runs(status: "aborted") == Set(streams.map(\.runId)))
        #expect(try await database.runs(status: "running").isEmpty)

        let restarted = try await RunningGateway.start(directory: directory, token: token, arguments: arguments)
        defer { restarted.process.stop() }
        let session = try await restarted.connect()
        for stream in streams {
            let history = try await session.historyMessages(stream.sessionKey)
            #expect(history.map { $0["role"] } == ["user", "assistant"])
            let partial = history.last.flatMap(RunEvents.text(of:)) ?? ""
            #expect(partial.hasPrefix(seen[stream.runId] ?? "-"), "at least what the client saw: \(partial)")
            #expect(partial.count < prompt.count, "a partial reply")
            #expect(history.last?["stopReason"] == "aborted")
            let waited = try await session.request("agent.wait", params: ["runId": .string(stream.runId), "timeoutMs": 2_000])
            #expect(waited.payload?["status"] == "ok", "a stopped run ended: \(String(describing: waited.payload))")
        }
        await session.close()
    }
}

import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import Synchronization
import Testing

/// `kill -9` in the middle of many streams: nothing the clients were told is lost, the database
/// is intact, and the runs the crash cut off are reported as failed, not left running forever.
///
/// The real `kubeclaw` binary over a real `ollama-sim` at a model's pace (20 tokens per second,
/// echo replies). Runs 0–79 echo prompts of `4 + i` words (0.2–4.2 s), runs 80–99 prompts of
/// 1,000 words (50 s): the kill, once 30 runs sent `final`, lands while some have ended and
/// others stream, however long a loaded machine takes to acknowledge the 100 sends (each is
/// three fsynced commits).
@Suite(.timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    /// The runs whose `chat.send` was acknowledged, filled from many tasks.
    final class Acknowledged: Sendable {
        let keys = Mutex<Set<String>>([])
    }

    static let runCount = 100
    /// Every connection gets every run's events (as Control UIs do), so more connections only
    /// load the test process that decodes them.
    static let connectionCount = 5

    @Test("kill -9 during 100 streams, restart: every run whose final was sent is in chat.history, integrity_check ok, runs left running answer error")
    func killDuringStreams() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-kill9-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try await RunningSimulator.start(directory: directory, arguments: ["--echo", "--tokens-per-second", "20"])
        defer { simulator.process.stop() }
        let token = "kill9-\(UUID().uuidString)"
        // Every client is 127.0.0.1: without these the write rate limit and the per-client run
        // limit would refuse most of the 100 sends.
        let arguments = ["--ollama-url", simulator.url, "--rate-limit", "0", "--max-runs-per-client", "0"]
        let gateway = try await RunningGateway.start(directory: directory, token: token, arguments: arguments)
        defer { gateway.process.stop() }

        var recorders: [FrameRecorder] = []
        for _ in 0..<Self.connectionCount { recorders.append(FrameRecorder(try await gateway.connect())) }
        let runs = (0..<Self.runCount).map { index in
            (runId: "kill9-\(index)-\(UUID().uuidString.prefix(8).lowercased())", sessionKey: "kill9-\(index)",
             prompt: (0..<(index < 80 ? 4 + index : 1_000)).map { "w\(index)x\($0)" }.joined(separator: " "))
        }
        // Sent all at once and not awaited: the kill may come before the last acknowledgements
        // (a send the kill cut off is simply not acknowledged).
        let acknowledged = Acknowledged()
        let sessions = recorders.map(\.session)
        let sending = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, run) in runs.enumerated() {
                    let session = sessions[index % Self.connectionCount]
                    group.addTask {
                        if (try? await session.startChat(run.prompt, sessionKey: run.sessionKey, idempotencyKey: run.runId)) != nil {
                            acknowledged.keys.withLock { _ = $0.insert(run.runId) }
                        }
                    }
                }
            }
        }

        func finals() -> [String: String] {
            var texts: [String: String] = [:]
            for recorder in recorders {
                for event in recorder.events where event.name == "chat" && event.json["payload"]?["state"] == "final" {
                    if let payload = event.json["payload"], let runId = payload["runId"]?.stringValue {
                        texts[runId] = RunEvents.text(of: payload) ?? ""
                    }
                }
            }
            return texts
        }
        try await eventually("30 finals", timeout: .seconds(60)) { finals().count >= 30 }
        gateway.process.signal(SIGKILL)
        #expect(try await gateway.process.waitForExit(timeout: .seconds(30)) == nil, "killed by the signal, no exit status")
        #expect(gateway.process.process.terminationReason == .uncaughtSignal)
        // Finals already on the wire when the process died still arrive: they were sent too.
        try await eventually("every connection closed", timeout: .seconds(30)) { recorders.allSatisfy(\.hasEnded) }
        await sending.value
        let finalized = finals()
        let acked = acknowledged.keys.withLock { $0 }
        #expect(acked.isSuperset(of: finalized.keys), "final only after the acknowledgement")
        #expect(finalized.count < Self.runCount, "the kill came after every run had finished: nothing was tested")

        // The file exactly as the killed process left it.
        let database = DatabaseFile(path: directory + "/data/" + SQLiteSessionStore.fileName)
        #expect(try await database.integrityCheck() == ["ok"])
        let leftRunning = try await database.runs(status: "running")
        #expect(!leftRunning.isEmpty, "the kill left no run running: nothing to recover")
        #expect(leftRunning.isDisjoint(with: finalized.keys), "a run whose final was sent is still running")

        let restartedAt = ContinuousClock.now
        let restarted = try await RunningGateway.start(directory: directory, token: token, arguments: arguments)
        defer { restarted.process.stop() }
        let restartTime = ContinuousClock.now - restartedAt
        #expect(try await database.integrityCheck() == ["ok"])
        #expect(try await database.runs(status: "running").isEmpty, "runs left running were not marked at start-up")
        #expect(try await database.runs(status: "error") == leftRunning)

        let session = try await restarted.connect()
        for run in runs {
            let history = try await session.historyMessages(run.sessionKey)
            if let text = finalized[run.runId] {
                #expect(text == run.prompt, "the echo")
                #expect(history.map { $0["role"] } == ["user", "assistant"], "\(run.runId)")
                #expect(history.last.flatMap(RunEvents.text(of:)) == text, "\(run.runId): the reply the client saw is stored")
            } else if acked.contains(run.runId) {
                #expect(history.first.flatMap(RunEvents.text(of:)) == run.prompt, "\(run.runId): the user's message is stored")
            }
        }
        // What an OpenClaw client sees for a run the crash cut off: it ended, with an error.
        for runId in leftRunning.sorted().prefix(10) {
            let waited = try await session.request("agent.wait", params: ["runId": .string(runId), "timeoutMs": 2_000])
            #expect(waited.payload?["status"] == "error", "\(String(describing: waited.payload))")
            #expect(waited.payload?["error"]?.stringValue == ChatRuns.interruptedSummary)
            let resend = try await session.chatSend("again", sessionKey: "ignored", idempotencyKey: runId)
            #expect(!resend.ok && resend.error?.code == "UNAVAILABLE", "\(resend)")
            #expect(resend.payload?["status"] == "error" && resend.payload?["summary"] == .string(ChatRuns.interruptedSummary), "\(resend)")
        }
        let listed = try await session.request("sessions.list", params: ["limit": 200])
        let aborted = listed.payload?["sessions"]?.arrayValue?.filter { $0["abortedLastRun"] == true }.count ?? 0
        #expect(aborted == leftRunning.count, "the sessions of interrupted runs are marked abortedLastRun")
        await session.close()
        print("kill -9 during \(Self.runCount) streams: \(acked.count) sends acknowledged, \(finalized.count) finals received, \(leftRunning.count) runs left running, restart to /startupz in \(restartTime)")
    }
}

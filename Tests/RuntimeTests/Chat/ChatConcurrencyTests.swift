import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// Many runs at once on one gateway stay apart: each session gets its own reply, its own
/// events and its own transcript.
@Suite(.timeLimit(.minutes(10)))
struct ChatConcurrencyTests {
    @Test("20 concurrent chats in 20 sessions from 4 connections all complete with their own replies and histories")
    func twentyConcurrentChats() async throws {
        // Echo mode: each reply is its own question, so crossed wires would show.
        let behaviour = SimulatorBehaviour(reply: .echo, tokensPerSecond: 20)
        try await withGateway(behaviour: behaviour, configure: { $0.writeRateLimit.messages = 0 },
            // All test clients share the loopback address: one identity for the per-client run limit.
            assemble: { $0.maxConcurrentRunsPerClient = 0 }) { gateway in
            var sessions: [GatewaySession] = []
            for _ in 0..<4 { sessions.append(try await gateway.connect()) }
            let recorders = sessions.map(FrameRecorder.init)
            let chats = (0..<20).map { index in
                (key: "agent:main:load-\(index)", message: "chat number \(index) asks about topic \(index * 7)")
            }

            let runIds = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (index, chat) in chats.enumerated() {
                    let session = sessions[index % sessions.count]
                    group.addTask { (index, try await session.startChat(chat.message, sessionKey: chat.key)) }
                }
                var runIds = Array(repeating: "", count: chats.count)
                for try await (index, runId) in group { runIds[index] = runId }
                return runIds
            }
            #expect(Set(runIds).count == 20)

            for (index, chat) in chats.enumerated() {
                let runId = runIds[index]
                // Broadcast: every connection sees every run, not only the sender.
                for recorder in recorders {
                    let run = try await recorder.run(runId, timeout: .seconds(30))
                    #expect(run.terminal["state"] == "final", "run \(index)")
                    #expect(RunEvents.text(of: run.terminal) == chat.message, "run \(index)")
                    #expect(run.chat.allSatisfy { $0["sessionKey"] == .string(chat.key) }, "run \(index)")
                }
            }
            for (index, chat) in chats.enumerated() {
                let history = try await sessions[0].historyMessages(chat.key)
                #expect(history.map { $0["role"] } == ["user", "assistant"], "session \(index)")
                #expect(history.map { RunEvents.text(of: $0) } == [chat.message, chat.message], "session \(index)")
            }
            let stats = gateway.simulator.stats()
            #expect(stats.chatsStarted == 20)
            #expect(stats.chatsCompleted == 20)
            for session in sessions { await session.close() }
        }
    }

    @Test("20 chats at once are 20 requests streaming at the model at once, and abort frees them all")
    func twentyChatsReachTheModelAtOnce() async throws {
        // A model that never answers holds every request open: only concurrency can reach 20.
        try await withGateway(behaviour: SimulatorBehaviour(hang: true), configure: { $0.writeRateLimit.messages = 0 },
            // All test clients share the loopback address: one identity for the per-client run limit.
            assemble: { $0.maxConcurrentRunsPerClient = 0 }) { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            var runIds: [String] = []
            for index in 0..<20 { runIds.append(try await session.startChat("wait \(index)", sessionKey: "agent:main:hold-\(index)")) }
            let simulator = gateway.simulator
            try await eventually("20 chats streaming at the simulator (it saw \(simulator.stats().currentlyStreaming))") {
                simulator.stats().currentlyStreaming == 20
            }
            for index in 0..<20 {
                let abort = try await session.chatAbort(sessionKey: "agent:main:hold-\(index)")
                #expect(abort.payload?["runIds"] == [.string(runIds[index])])
            }
            for runId in runIds { #expect(try await recorder.run(runId).terminal["state"] == "aborted") }
            try await eventually("the simulator saw every request cancelled") {
                simulator.stats().chatsCancelled == 20 && simulator.stats().currentlyStreaming == 0
            }
            await session.close()
        }
    }
}

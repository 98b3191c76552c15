import Foundation
import GatewayClient
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
}

import Foundation
import GatewayClient
import GeneratedProtocol
import OllamaSimulator
import Testing

/// The metrics the monitoring overlay's alerts use (k8s/components/monitoring): chat runs by
/// outcome with their duration and time to first token, and the health checks as gauges.
@Suite("Operational metrics")
struct OperationalMetricsTests {
    /// Runs one chat to its end and returns the final state.
    private func chat(_ gateway: GatewayHarness) async throws -> String {
        let session = try await gateway.connect()
        let runId = try await session.startChat("hello")
        let end = try await session.firstEvent { event in
            let payload = event.json["payload"] ?? .null
            return event.name == "chat" && payload["runId"] == .string(runId)
                && RunEvents.terminalStates.contains(payload["state"]?.stringValue ?? "")
        }
        await session.close()
        return end.json["payload"]?["state"]?.stringValue ?? ""
    }

    /// The metrics once `condition` holds (the run is reported just after its final event).
    private func metrics(of gateway: GatewayHarness, when condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let metrics = try await gateway.metrics()
            if condition(metrics) { return metrics }
            guard ContinuousClock.now < deadline else { throw TestFailure("metrics never matched:\n\(metrics)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("a finished chat run is counted, timed, and its first token timed")
    func finishedRun() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(tokensPerSecond: 40)) { gateway in
            let before = try await gateway.metrics()
            for outcome in ["final", "aborted", "error"] {
                #expect(before.value("kubeclaw_chat_runs_total", ["outcome": outcome]) == 0, "exported before any run")
            }
            #expect(try await chat(gateway) == "final")
            let metrics = try await metrics(of: gateway) { $0.value("kubeclaw_chat_runs_total", ["outcome": "final"]) == 1 }
            #expect(metrics.value("kubeclaw_chat_runs_total", ["outcome": "error"]) == 0)
            #expect(metrics.value("kubeclaw_chat_run_duration_seconds_count", ["outcome": "final"]) == 1)
            let duration = metrics.value("kubeclaw_chat_run_duration_seconds_sum", ["outcome": "final"]) ?? 0
            #expect(duration > 0)
            #expect(metrics.value("kubeclaw_chat_run_duration_seconds_bucket", ["outcome": "final", "le": "600.0"]) == 1)
            #expect(metrics.value("kubeclaw_chat_first_token_seconds_count") == 1)
            let firstToken = metrics.value("kubeclaw_chat_first_token_seconds_sum") ?? -1
            #expect(firstToken > 0 && firstToken <= duration, "the first token comes within the run")
        }
    }

    @Test("a run the model fails is counted as error, with no first token")
    func failedRun() async throws {
        try await withGateway(behaviour: SimulatorBehaviour(errorStatus: 500, errorMessage: "model crashed")) { gateway in
            #expect(try await chat(gateway) == "error")
            let metrics = try await metrics(of: gateway) { $0.value("kubeclaw_chat_runs_total", ["outcome": "error"]) == 1 }
            #expect(metrics.value("kubeclaw_chat_runs_total", ["outcome": "final"]) == 0)
            #expect(metrics.value("kubeclaw_chat_run_duration_seconds_count", ["outcome": "error"]) == 1)
            #expect(metrics.value("kubeclaw_chat_first_token_seconds_count") == 0)
        }
    }

    @Test("kubeclaw_health_check_up follows the store: 1 while open, 0 once it is unavailable")
    func storeGauge() async throws {
        try await withGateway { gateway in
            let open = try await gateway.metrics()
            #expect(open.value("kubeclaw_health_check_up", ["check": "store"]) == 1)
            #expect(open.value("kubeclaw_health_check_up", ["check": "listener"]) == 1)
            try await gateway.assembly.store.close()
            let closed = try await gateway.metrics()
            #expect(closed.value("kubeclaw_health_check_up", ["check": "store"]) == 0)
            #expect(closed.value("kubeclaw_health_check_up", ["check": "listener"]) == 1)
        }
    }
}

import Foundation
import NIOHTTP1

/// The HTTP port's endpoints: health, liveness, readiness, start-up and metrics.
struct OpsEndpoints: Sendable {
    let state: ServerState
    let probes: HealthProbes
    let metrics: GatewayMetrics
    let eventBus: EventBus
    let version: String

    func respond(_ request: HTTPRequestSummary) async -> HTTPResponseSpec {
        switch request.path {
        case "/", "/health":
            let checks = [listenerCheck] + (await probes.health())
            return report(checks, extra: ["version": .string(version), "uptimeMs": .number(Double(state.uptimeMs)),
                                          "connections": .number(Double(eventBus.subscriberCount))])
        case "/healthz", "/livez":
            // Liveness says only that the process answers: restarting it would not fix a backend.
            return .json(.ok, #"{"status":"alive"}"#)
        case "/readyz":
            var checks = [listenerCheck, HealthCheck(name: "accepting", isHealthy: state.phase == .serving, detail: state.phase.rawValue)]
            checks += await probes.health()
            checks += await probes.readiness()
            return report(checks, extra: [:])
        case "/startupz":
            let started = state.phase == .serving || state.phase == .draining
            return .json(started ? .ok : .serviceUnavailable, #"{"started":\#(started)}"#)
        case "/metrics":
            // The health checks are taken at scrape time, so an alert sees the store as it is now.
            metrics.record(healthChecks: [listenerCheck] + (await probes.health()))
            return .text(.ok, metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            return .notFound
        }
    }

    private var listenerCheck: HealthCheck {
        let phase = state.phase
        return HealthCheck(name: "listener", isHealthy: phase == .serving || phase == .draining, detail: phase.rawValue)
    }

    private enum Value {
        case string(String)
        case number(Double)
    }

    private func report(_ checks: [HealthCheck], extra: [String: Value]) -> HTTPResponseSpec {
        let healthy = checks.allSatisfy(\.isHealthy)
        var object: [String: Any] = ["ok": healthy, "status": healthy ? "healthy" : "unhealthy"]
        for (key, value) in extra {
            switch value {
            case .string(let text): object[key] = text
            case .number(let number): object[key] = Int(number)
            }
        }
        object["checks"] = checks.map { check -> [String: Any] in
            var entry: [String: Any] = ["name": check.name, "ok": check.isHealthy]
            if let detail = check.detail { entry["detail"] = detail }
            return entry
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return .json(healthy ? .ok : .serviceUnavailable, String(decoding: data, as: UTF8.self))
    }
}

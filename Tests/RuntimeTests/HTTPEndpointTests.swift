import Foundation
import GatewayClient
import GeneratedProtocol
import OllamaSimulator
import Testing

/// The ops port (health, liveness, readiness, start-up, metrics) and plain HTTP on the WebSocket
/// port (the connect page, a Control UI build, avatars).
@Suite struct HTTPEndpointTests {
    // MARK: Health

    @Test("/ answers 200 with a healthy JSON report, the version and the uptime")
    func healthy() async throws {
        try await withGateway { gateway in
            let reply = try await gateway.http("/")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
            let body = try JSONValue.parse(Data(reply.body.utf8))
            #expect(body["ok"] == true)
            #expect(body["status"] == "healthy")
            #expect(body["version"] == "0.0.0-test")
            #expect((body["uptimeMs"]?.intValue ?? -1) >= 0)
            let checks = body["checks"]?.arrayValue ?? []
            #expect(checks.contains { $0["name"] == "store" && $0["ok"] == true })
            #expect(checks.contains { $0["name"] == "listener" && $0["ok"] == true })
        }
    }

    @Test("with the store closed / turns 503 while /healthz stays 200")
    func storeClosed() async throws {
        try await withGateway { gateway in
            try await gateway.assembly.store.close()
            let health = try await gateway.http("/")
            #expect(health.status == 503)
            let body = try JSONValue.parse(Data(health.body.utf8))
            #expect(body["status"] == "unhealthy")
            #expect(body["checks"]?.arrayValue?.contains { $0["name"] == "store" && $0["ok"] == false } == true)
            #expect(try await gateway.http("/healthz").status == 200)
            #expect(try await gateway.http("/readyz").status == 503)
        }
    }

    // MARK: Readiness

    @Test("/readyz is 200 when the backend answers with the configured model")
    func ready() async throws {
        try await withGateway { gateway in
            let reply = try await gateway.http("/readyz")
            #expect(reply.status == 200, "\(reply.body)")
            let body = try JSONValue.parse(Data(reply.body.utf8))
            #expect(body["checks"]?.arrayValue?.contains { $0["name"] == "backend" && $0["ok"] == true } == true)
        }
    }

    @Test("with the backend down /readyz is 503 but /healthz and / stay 200: liveness does not depend on it")
    func backendDown() async throws {
        try await ClosedPort.withURL { backendURL in
            try await withGateway(ollamaURL: backendURL) { gateway in
                let ready = try await gateway.http("/readyz")
                #expect(ready.status == 503)
                let body = try JSONValue.parse(Data(ready.body.utf8))
                #expect(body["checks"]?.arrayValue?.contains { $0["name"] == "backend" && $0["ok"] == false } == true)
                #expect(try await gateway.http("/healthz").status == 200)
                #expect(try await gateway.http("/").status == 200)
            }
        }
    }

    @Test("/readyz is 503 when the backend answers but the configured model is not pulled")
    func modelMissing() async throws {
        let behaviour = SimulatorBehaviour(models: [SimulatorModel(name: "llama3.2:3b")])
        try await withGateway(behaviour: behaviour) { gateway in
            let ready = try await gateway.http("/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("qwen2.5:14b"), "the report names the missing model: \(ready.body)")
            #expect(try await gateway.http("/").status == 200)
        }
    }

    @Test("/startupz is 200 once the listeners are up")
    func startup() async throws {
        try await withGateway { gateway in
            let reply = try await gateway.http("/startupz")
            #expect(reply.status == 200)
            #expect(reply.body == #"{"started":true}"#)
        }
    }

    // MARK: Metrics

    @Test("/metrics counts requests by method and outcome, latency, connections, rate limits and bytes")
    func metrics() async throws {
        try await withGateway(configure: { $0.writeRateLimit = .init(messages: 1, window: .seconds(60)) }) { gateway in
            let session = try await gateway.connect(instanceId: "metrics")
            for _ in 0..<3 { #expect(try await session.request("health").ok) }
            #expect(try await session.request("sessions.list", params: ["limit": 0]).ok == false)
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:m"]).ok)
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:m"]).ok == false)

            let reply = try await gateway.http("/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("text/plain") == true)
            let metrics = PrometheusText(reply.body)
            #expect(metrics.value("kubeclaw_requests_total", ["method": "health", "outcome": "ok"]) == 3)
            #expect(metrics.value("kubeclaw_requests_total", ["method": "sessions.list", "outcome": "INVALID_REQUEST"]) == 1)
            #expect(metrics.value("kubeclaw_requests_total", ["method": "sessions.patch", "outcome": "ok"]) == 1)
            #expect(metrics.value("kubeclaw_requests_total", ["method": "sessions.patch", "outcome": "UNAVAILABLE"]) == 1,
                    "a rate-limited request is an answered request too")
            #expect(metrics.value("kubeclaw_requests_total", ["method": "connect", "outcome": "ok"]) == 1)
            #expect(metrics.value("kubeclaw_request_duration_seconds_count", ["method": "health"]) == 3)
            #expect(metrics.has("kubeclaw_request_duration_seconds_bucket"))
            #expect(metrics.value("kubeclaw_websocket_connections") == 1)
            #expect(metrics.value("kubeclaw_websocket_connections_total") == 1)
            #expect(metrics.value("kubeclaw_rate_limited_total", ["budget": "write"]) == 1)
            #expect((metrics.value("kubeclaw_websocket_bytes_received_total") ?? 0) > 0)
            #expect((metrics.value("kubeclaw_websocket_bytes_sent_total") ?? 0) > 0)

            await session.close()
            // The gauge follows the connection's end.
            let deadline = ContinuousClock.now + .seconds(30)
            while try await gateway.metrics().value("kubeclaw_websocket_connections") != 0 {
                guard ContinuousClock.now < deadline else { throw TestFailure("the connections gauge did not drop to 0") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    // MARK: Routing

    @Test("the ops port answers 404 for unknown paths and 405 for other methods than GET")
    func opsRouting() async throws {
        try await withGateway { gateway in
            #expect(try await gateway.http("/nope").status == 404)
            let post = try await gateway.http("/", method: .POST)
            #expect(post.status == 405)
            #expect(post.header("allow") == "GET, HEAD")
            #expect(try await gateway.http("/metrics", method: .DELETE).status == 405)
        }
    }

    // MARK: WebSocket port over plain HTTP

    @Test("without a Control UI, GET / on the WebSocket port says how to connect")
    func connectPage() async throws {
        try await withGateway { gateway in
            let reply = try await gateway.webGet("/")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("text/html") == true)
            #expect(reply.body.contains("ws://127.0.0.1:\(gateway.addresses.webSocketPort)/"))
            #expect(reply.body.contains("OPENCLAW_GATEWAY_TOKEN"))
            #expect(reply.body.contains("--control-ui-dir"))
            #expect(try await gateway.webGet("/app.js").status == 404)
        }
    }

    @Test("with a Control UI directory the WebSocket port serves its files, with SPA fallback to index.html")
    func controlUI() async throws {
        let directory = try Self.controlUIDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withGateway(configure: { $0.controlUIDirectory = directory }) { gateway in
            let index = try await gateway.webGet("/")
            #expect(index.status == 200)
            #expect(index.body == Self.indexHTML)
            #expect(index.header("content-type")?.hasPrefix("text/html") == true)

            let script = try await gateway.webGet("/app.js")
            #expect(script.status == 200)
            #expect(script.body == Self.appJS)
            #expect(script.header("content-type")?.hasPrefix("text/javascript") == true)

            let route = try await gateway.webGet("/some/route")
            #expect(route.status == 200)
            #expect(route.body == Self.indexHTML, "a client-side route falls back to index.html")

            #expect(try await gateway.webGet("/missing.css").status == 404, "a missing file is not a route")
        }
    }

    @Test("paths that climb out of the Control UI directory are refused")
    func traversalRefused() async throws {
        let directory = try Self.controlUIDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A file next to the UI directory that must stay out of reach.
        let secretPath = URL(fileURLWithPath: directory).deletingLastPathComponent()
            .appendingPathComponent("kubeclaw-secret-\(UUID().uuidString).txt")
        try Data("top secret".utf8).write(to: secretPath)
        defer { try? FileManager.default.removeItem(at: secretPath) }
        try await withGateway(configure: { $0.controlUIDirectory = directory }) { gateway in
            let port = gateway.addresses.webSocketPort
            let name = secretPath.lastPathComponent
            for target in ["/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                           "/../\(name)", "/%2e%2e/\(name)", "/assets/../../\(name)"] {
                let response = try await RawHTTP.get(port: port, target: target)
                #expect(RawHTTP.status(of: response) == 404, "\(target): \(response.prefix(80))")
                #expect(!response.contains("root:"), "\(target) served /etc/passwd")
                #expect(!response.contains("top secret"), "\(target) served a file outside the directory")
            }
        }
    }

    @Test("/avatar/<agent>?meta=1 answers the avatar URL; an unknown agent is 404")
    func avatar() async throws {
        try await withGateway { gateway in
            let meta = try await gateway.webGet("/avatar/main?meta=1")
            #expect(meta.status == 200)
            #expect(try JSONValue.parse(Data(meta.body.utf8)) == ["avatarUrl": "/avatar/main"])
            let image = try await gateway.webGet("/avatar/main")
            #expect(image.status == 200)
            #expect(image.header("content-type") == "image/svg+xml")
            #expect(try await gateway.webGet("/avatar/nobody").status == 404)
            #expect(try await gateway.webGet("/avatar/nobody?meta=1").status == 404)
        }
    }

    // MARK: Helpers

    static let indexHTML = "<!doctype html><title>Control UI</title><script src=\"/app.js\"></script>\n"
    static let appJS = "console.log('control ui');\n"

    /// A temporary Control UI build: index.html and app.js.
    private static func controlUIDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-ui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(indexHTML.utf8).write(to: directory.appendingPathComponent("index.html"))
        try Data(appJS.utf8).write(to: directory.appendingPathComponent("app.js"))
        return directory.path
    }
}

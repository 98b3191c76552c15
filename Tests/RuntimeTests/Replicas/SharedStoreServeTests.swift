import Foundation
import GatewayClient
import GeneratedProtocol
import Testing
import ThrowawayPostgres

/// `kubeclaw serve --database-url`: real gateway processes on one PostgreSQL database (the
/// test process's own server), with `ollama-sim` echoing at a model's pace.
@Suite(.timeLimit(.minutes(5)))
struct SharedStoreServeTests {
    /// Runs `body` with a fresh directory and `ollama-sim` echoing prompts at `piecesPerSecond`.
    private static func withSimulator<T>(piecesPerSecond: Int = 20, _ body: (String, RunningSimulator) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-shared-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try await RunningSimulator.start(
            directory: directory, arguments: ["--echo", "--tokens-per-second", String(piecesPerSecond)])
        defer { simulator.process.stop() }
        return try await body(directory, simulator)
    }

    private static func startGateway(_ name: String, in directory: String, databaseURL: String, simulator: RunningSimulator)
        async throws -> RunningGateway
    {
        let own = directory + "/" + name
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        return try await RunningGateway.start(
            directory: own, token: "shared-store-token",
            arguments: ["--ollama-url", simulator.url, "--rate-limit", "0"],
            environment: ["DATABASE_URL": databaseURL])
    }

    /// Runs `body` with `count` gateways (named a, b, c, …) on one new database of the test
    /// process's PostgreSQL (its URL the second argument), backed by one `ollama-sim` at
    /// `piecesPerSecond`; stops them after.
    private static func withReplicas<T>(
        _ count: Int, piecesPerSecond: Int = 20, _ body: ([RunningGateway], String) async throws -> T
    ) async throws -> T {
        let databaseURL = try await ThrowawayPostgres.shared().createDatabase()
        return try await withSimulator(piecesPerSecond: piecesPerSecond) { directory, simulator in
            var gateways: [RunningGateway] = []
            defer { for gateway in gateways { gateway.process.stop() } }
            for name in ["a", "b", "c", "d", "e"].prefix(count) {
                gateways.append(try await startGateway(name, in: directory, databaseURL: databaseURL, simulator: simulator))
            }
            return try await body(gateways, databaseURL)
        }
    }

    /// Sends `prompt` and waits for its final on the same connection; returns the runId.
    private static func chat(_ prompt: String, on session: GatewaySession, sessionKey: String, idempotencyKey: String)
        async throws -> String
    {
        async let final = session.firstEvent(timeout: .seconds(60)) { event in
            event.name == "chat" && event.json["payload"]?["state"] == "final"
                && event.json["payload"]?["runId"]?.stringValue == idempotencyKey
        }
        let runId = try await session.startChat(prompt, sessionKey: sessionKey, idempotencyKey: idempotencyKey)
        _ = try await final
        return runId
    }

    @Test("two gateways on one database: a chat sent through A is in B's history and session list; its key resent to B answers A's run")
    func gatewaysShareTheStore() async throws {
        try await Self.withReplicas(2) { gateways, _ in
            let (a, b) = (gateways[0], gateways[1])

            let onA = try await a.connect()
            let key = "shared-\(UUID().uuidString.prefix(8).lowercased())"
            let runId = try await Self.chat("hello from replica a", on: onA, sessionKey: "replicas", idempotencyKey: key)
            #expect(runId == key)

            let onB = try await b.connect()
            let seenOnB = try await onB.historyMessages("replicas")
            let seenOnA = try await onA.historyMessages("replicas")
            #expect(seenOnB.count == 2, "\(seenOnB)")
            #expect(seenOnB == seenOnA)
            #expect(seenOnB.first?["role"] == "user")
            #expect(seenOnB.last?["role"] == "assistant")

            let listed = try await onB.request("sessions.list", params: [:])
            let keys = listed.payload?["sessions"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
            #expect(keys.contains("agent:main:replicas"), "\(keys)")

            // The idempotency record is shared: B does not start a second run.
            let resent = try await onB.chatSend("hello from replica a", sessionKey: "replicas", idempotencyKey: key)
            #expect(resent.ok, "\(resent)")
            #expect(resent.payload?["runId"]?.stringValue == key)
            #expect(resent.payload?["status"] == "ok")
            #expect(try await onA.historyMessages("replicas").count == 2)
        }
    }

    @Test("a chat sent through A streams to a watcher on B exactly as on A: every chat and agent event, in order, once; agent.wait on B answers ok")
    func eventsCrossReplicas() async throws {
        try await Self.withReplicas(2) { gateways, _ in
            let (a, b) = (gateways[0], gateways[1])
            // Ready includes "listening to the other replicas' events".
            try await eventuallyAsync("B ready") { try await b.http("/readyz").status == 200 }

            let watcherOnA = FrameRecorder(try await a.connect())
            let watcherOnB = FrameRecorder(try await b.connect())
            let sender = try await a.connect()
            let key = "relay-\(UUID().uuidString.prefix(8).lowercased())"
            let prompt = (0..<40).map { "word\($0)" }.joined(separator: " ")
            _ = try await sender.startChat(prompt, sessionKey: "relayed", idempotencyKey: key)
            let waiter = try await b.connect()
            async let waited = waiter.request("agent.wait", params: ["runId": .string(key), "timeoutMs": 50_000])

            for watcher in [watcherOnA, watcherOnB] {
                _ = try await watcher.event("chat", timeout: .seconds(60)) { $0["runId"]?.stringValue == key && $0["state"] == "final" }
            }
            // The agent lifecycle end follows the final; give B the same chance to see it.
            for watcher in [watcherOnA, watcherOnB] {
                _ = try await watcher.event("agent", timeout: .seconds(30)) {
                    $0["runId"]?.stringValue == key && $0["stream"] == "lifecycle" && $0["data"]?["phase"] == "end"
                }
            }
            func runEvents(_ recorder: FrameRecorder) -> [JSONValue] {
                recorder.events.filter { ["chat", "agent"].contains($0.name) && $0.json["payload"]?["runId"]?.stringValue == key }
                    .compactMap { $0.json["payload"] }
            }
            let onA = runEvents(watcherOnA)
            let onB = runEvents(watcherOnB)
            #expect(onA.count > 5, "a streamed reply has several deltas: \(onA.count)")
            #expect(onB == onA, "B saw \(onB.count) events, A \(onA.count)")
            let frameSeqs = watcherOnB.events.compactMap { $0.frame.seq }
            #expect(frameSeqs == frameSeqs.sorted() && Set(frameSeqs).count == frameSeqs.count, "frame seq on B strictly increasing")

            let waitAnswer = try await waited
            #expect(waitAnswer.payload?["status"] == "ok", "\(waitAnswer)")
        }
    }

    @Test("three gateways: A streams a chat, B watches every delta, C refuses a second run of the session and aborts the first; B sees the abort, history is identical on all three")
    func abortFromAnotherReplica() async throws {
        // 400 words at 20 pieces a second: 20 s of streaming, long past the abort.
        try await Self.withReplicas(3, piecesPerSecond: 20) { gateways, _ in
            let (a, b, c) = (gateways[0], gateways[1], gateways[2])
            for gateway in [b, c] {
                try await eventuallyAsync("ready") { try await gateway.http("/readyz").status == 200 }
            }

            let watcherOnB = FrameRecorder(try await b.connect())
            let sender = try await a.connect()
            let key = "abort-\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await sender.startChat((0..<400).map { "w\($0)" }.joined(separator: " "), sessionKey: "aborted", idempotencyKey: key)
            _ = try await watcherOnB.event("chat", timeout: .seconds(60)) { $0["runId"]?.stringValue == key && $0["state"] == "delta" }

            let onC = try await c.connect()
            // One run per session across replicas: C refuses a second run while A streams one.
            let second = try await onC.chatSend("a second message", sessionKey: "aborted", idempotencyKey: UUID().uuidString.lowercased())
            #expect(second.error?.details?["code"]?.stringValue == "CHAT_RUN_ACTIVE", "\(second)")
            let aborted = try await onC.chatAbort(sessionKey: "aborted", runId: key)
            #expect(aborted.ok, "\(aborted)")
            #expect(aborted.payload?["aborted"] == true, "\(aborted)")
            #expect(aborted.payload?["runIds"] == [.string(key)], "\(aborted)")
            _ = try await watcherOnB.event("chat", timeout: .seconds(30)) { $0["runId"]?.stringValue == key && $0["state"] == "aborted" }
            #expect(!watcherOnB.events.contains { $0.json["payload"]?["runId"]?.stringValue == key && $0.json["payload"]?["state"] == "final" })

            let onB = try await b.connect()
            let histories = [try await sender.historyMessages("aborted"), try await onB.historyMessages("aborted"), try await onC.historyMessages("aborted")]
            #expect(histories[0].count == 2, "the prompt and the partial reply: \(histories[0])")
            #expect(histories[1] == histories[0])
            #expect(histories[2] == histories[0])
            // Nothing left to abort: C answers false at once (no owner holds a lease on a run of it).
            let again = try await onC.chatAbort(sessionKey: "aborted", runId: key)
            #expect(again.payload?["aborted"] == false, "\(again)")
        }
    }

    @Test("/readyz follows the database: 503 naming the store while it is down (/healthz stays 200), 200 after it is back; chats persist again")
    func readinessFollowsTheDatabase() async throws {
        let server = try await ThrowawayPostgres.start()
        defer { server.destroy() }
        let databaseURL = try await server.createDatabase()
        try await Self.withSimulator { directory, simulator in
            let gateway = try await Self.startGateway("g", in: directory, databaseURL: databaseURL, simulator: simulator)
            defer { gateway.process.stop() }
            var ready = try await gateway.http("/readyz")
            try await eventuallyAsync("ready with the database up") {
                ready = try await gateway.http("/readyz")
                return ready.status == 200
            }
            #expect(try Self.storeCheck(ready.body)?["ok"] == true, "\(ready.body)")

            try await server.stopServer()
            var unready = ready
            try await eventuallyAsync("unready with the database down") {
                unready = try await gateway.http("/readyz")
                return unready.status == 503
            }
            #expect(try Self.storeCheck(unready.body)?["ok"] == false, "\(unready.body)")
            // Liveness is not readiness: restarting the gateway would not bring the database back.
            #expect(try await gateway.http("/healthz").status == 200)

            try await server.startServer()
            try await eventuallyAsync("ready again with the database back", timeout: .seconds(60)) {
                try await gateway.http("/readyz").status == 200
            }
            let session = try await gateway.connect()
            _ = try await Self.chat("after the restart", on: session, sessionKey: "restart", idempotencyKey: UUID().uuidString.lowercased())
            #expect(try await session.historyMessages("restart").count == 2)
        }
    }

    @Test("kill -9 of the replica streaming a chat: B answers the key in_flight while the lease is fresh, then error once it expires; B's watchers get the run's error once; agent.wait on B returns error")
    func lostReplica() async throws {
        // 400 words at 10 pieces a second: the run streams for about 40 s, far past the kill.
        try await Self.withReplicas(2, piecesPerSecond: 10) { gateways, _ in
            let (a, b) = (gateways[0], gateways[1])

            let onA = try await a.connect()
            let key = "lease-\(UUID().uuidString.prefix(8).lowercased())"
            let prompt = (0..<400).map { "w\($0)" }.joined(separator: " ")
            async let firstDelta = onA.firstEvent(timeout: .seconds(60)) { event in
                event.name == "chat" && event.json["payload"]?["state"] == "delta"
                    && event.json["payload"]?["runId"]?.stringValue == key
            }
            _ = try await onA.startChat(prompt, sessionKey: "lease", idempotencyKey: key)
            _ = try await firstDelta

            let watcherOnB = FrameRecorder(try await b.connect())
            let onB = try await b.connect()
            let whileAlive = try await onB.chatSend(prompt, sessionKey: "lease", idempotencyKey: key)
            #expect(whileAlive.ok, "\(whileAlive)")
            #expect(whileAlive.payload?["status"] == "in_flight", "\(whileAlive)")

            async let waited = onB.request("agent.wait", params: ["runId": .string(key), "timeoutMs": 55_000])
            a.process.signal(SIGKILL)
            _ = try await a.process.waitForExit(timeout: .seconds(30))

            var answer = whileAlive
            try await eventuallyAsync("the key answers error once A's lease expired", timeout: .seconds(60)) {
                answer = try await onB.chatSend(prompt, sessionKey: "lease", idempotencyKey: key)
                guard answer.ok else { return true }
                try await Task.sleep(for: .milliseconds(500))
                return false
            }
            #expect(answer.error?.message.contains("replica running it stopped") == true, "\(answer)")
            // B's watchers hear that the run failed (announced once, by whichever replica expired it).
            let failed = try await watcherOnB.event("chat", timeout: .seconds(60)) {
                $0["runId"]?.stringValue == key && $0["state"] == "error"
            }
            #expect(failed.json?["payload"]?["errorMessage"]?.stringValue?.contains("replica running it stopped") == true)
            let errors = watcherOnB.events.filter { $0.name == "chat" && $0.json["payload"]?["runId"]?.stringValue == key && $0.json["payload"]?["state"] == "error" }
            #expect(errors.count == 1, "announced once: \(errors.count)")
            let waitAnswer = try await waited
            #expect(waitAnswer.payload?["status"] == "error", "\(waitAnswer)")
            #expect(waitAnswer.payload?["error"]?.stringValue?.contains("replica running it stopped") == true, "\(waitAnswer)")
        }
    }

    @Test("a device approved through A is listed by `kubeclaw devices list` on the shared database; revoked there, its token is refused by B")
    func devicesAcrossReplicas() async throws {
        try await Self.withReplicas(2) { gateways, databaseURL in
            let (a, b) = (gateways[0], gateways[1])
            let key = DeviceKey()
            let hello = try await Self.connect(key, to: a, token: a.token)
            let deviceToken = try #require(hello.payload?["auth"]?["deviceToken"]?.stringValue, "\(hello)")
            #expect(try await Self.connect(key, to: b, token: deviceToken).ok, "B accepts the token A issued")

            var environment = ChildProcess.minimalEnvironment
            environment["DATABASE_URL"] = databaseURL
            let kubeclaw = try BuiltProducts.path(of: "kubeclaw")
            let (listStatus, listed) = try await ChildProcess.run(kubeclaw, ["devices", "list", "--json"], environment: environment)
            #expect(listStatus == 0, "\(listed)")
            #expect(listed.contains(key.id), "\(listed)")
            let (revokeStatus, revoked) = try await ChildProcess.run(
                kubeclaw, ["devices", "revoke", String(key.id.prefix(12))], environment: environment)
            #expect(revokeStatus == 0, "\(revoked)")
            #expect(revoked.contains("revoked 1 token(s)"), "\(revoked)")

            let refused = try await Self.connect(key, to: b, token: deviceToken)
            #expect(refused.error?.details?["code"]?.stringValue == "AUTH_DEVICE_TOKEN_MISMATCH", "\(refused)")
        }
    }

    /// Connects `key`'s signed identity to `gateway` with `token` as a Control UI would; the answer.
    private static func connect(_ key: DeviceKey, to gateway: RunningGateway, token: String) async throws -> ResponseFrame {
        let session = try await GatewaySession.open(url: gateway.webSocketURL, configuration: GatewayHarness.patientClient).0
        defer { Task { await session.close() } }
        let nonce = try #require(session.challenge?.json["payload"]?["nonce"]?.stringValue)
        var params = GatewayHarness.connectParams(
            scopes: ["operator.admin"], token: token, clientId: "openclaw-control-ui", mode: "webchat", minProtocol: 4, maxProtocol: 4)
        params = try key.signing(params, nonce: nonce)
        return try await session.rawConnect(params)
    }

    @Test("PostgreSQL restarts while chats stream: every reply whose final a client got is in chat.history afterwards")
    func databaseRestartMidTraffic() async throws {
        let server = try await ThrowawayPostgres.start()
        defer { server.destroy() }
        let databaseURL = try await server.createDatabase()
        try await Self.withSimulator(piecesPerSecond: 20) { directory, simulator in
            let gateway = try await Self.startGateway("g", in: directory, databaseURL: databaseURL, simulator: simulator)
            defer { gateway.process.stop() }
            let watcher = FrameRecorder(try await gateway.connect())
            let sender = try await gateway.connect()

            func isFinal(_ key: String) -> Bool {
                watcher.events.contains {
                    $0.name == "chat" && $0.json["payload"]?["runId"]?.stringValue == key && $0.json["payload"]?["state"] == "final"
                }
            }
            // Twelve chats of 10–32 words (0.5–1.6 s each), each on a session of its own, paced
            // at a chat every 300 ms; the database stops once the first has completed and four
            // more were sent, and comes back three chats later: the stop lands while some
            // stream, some end and some start.
            var keys: [(key: String, session: String)] = []
            func send(_ index: Int) async {
                let key = "pgr-\(index)-\(UUID().uuidString.prefix(6).lowercased())"
                keys.append((key, "pgr-\(index)"))
                _ = try? await sender.chatSend(
                    (0..<(10 + 2 * index)).map { "w\(index)x\($0)" }.joined(separator: " "), sessionKey: "pgr-\(index)",
                    idempotencyKey: key)
            }
            for index in 0..<12 {
                await send(index)
                if index == 0 { try await eventuallyAsync("the first chat completed", timeout: .seconds(60)) { isFinal(keys[0].key) } }
                if index == 4 { try await server.stopServer() }
                if index == 7 { try await server.startServer() }
                try await Task.sleep(for: .milliseconds(300))
            }
            try await eventuallyAsync("ready again", timeout: .seconds(60)) { try await gateway.http("/readyz").status == 200 }
            // One more once the database is back: it must complete like the first.
            await send(12)
            try await eventuallyAsync("a chat after the restart completed", timeout: .seconds(60)) { isFinal(keys[12].key) }
            // Every run that streams has ended (final, error or aborted) before the check.
            try await eventuallyAsync("every started run ended", timeout: .seconds(60)) {
                let started = Set(watcher.events.filter { $0.name == "chat" }.compactMap { $0.json["payload"]?["runId"]?.stringValue })
                let ended = Set(watcher.events.filter {
                    $0.name == "chat" && RunEvents.terminalStates.contains($0.json["payload"]?["state"]?.stringValue ?? "")
                }.compactMap { $0.json["payload"]?["runId"]?.stringValue })
                return started.isSubset(of: ended)
            }
            var finals = 0
            for (key, session) in keys {
                guard let final = watcher.events.first(where: {
                    $0.name == "chat" && $0.json["payload"]?["runId"]?.stringValue == key && $0.json["payload"]?["state"] == "final"
                }) else { continue }
                finals += 1
                let text = RunEvents.text(of: final.json["payload"] ?? .null)
                let history = try await sender.historyMessages(session)
                #expect(history.contains { $0["role"] == "assistant" && RunEvents.text(of: $0) == text }, "\(key): final not in history")
            }
            #expect(finals >= 2, "the chats before and after the restart completed: \(finals)")
        }
    }

    @Test("a malformed DATABASE_URL stops start-up with a message naming the setting, never the password")
    func malformedURL() async throws {
        var environment = ChildProcess.minimalEnvironment
        environment["DATABASE_URL"] = "postgres://kc:hunter2-secret@db/x?sslmode=sometimes"
        let (status, output) = try await ChildProcess.run(
            try BuiltProducts.path(of: "kubeclaw"), ["serve", "--port", "0", "--http-port", "0"], environment: environment)
        #expect(status != 0 && status != nil)
        #expect(output.contains("--database-url (DATABASE_URL)"), "\(output)")
        #expect(output.contains("sslmode must be one of"), "\(output)")
        #expect(!output.contains("hunter2"), "\(output)")
    }

    private static func storeCheck(_ body: String) throws -> JSONValue? {
        try JSONValue.parse(Data(body.utf8))["checks"]?.arrayValue?.first { $0["name"] == "store" }
    }
}

/// ``eventually(_:timeout:_:)`` for conditions that must await (an HTTP probe).
func eventuallyAsync(_ what: @autoclosure () -> String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool)
    async throws
{
    let deadline = ContinuousClock.now + timeout
    while !(try await condition()) {
        guard ContinuousClock.now < deadline else { throw TestFailure("not within \(timeout): \(what())") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

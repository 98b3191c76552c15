import Crypto
import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import Testing

/// Every method of the first issue over a real socket: one call that works and one whose params
/// break the schema, plus the rules each method carries (sessions, config redaction, status).
@Suite struct MethodTests {
    // MARK: health

    @Test("health answers the summary with the default agent and the backend's state")
    func health() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("health", params: ["probe": true])
            let payload = try #require(response.payload)
            #expect(response.ok)
            #expect(payload["ok"] == true)
            #expect(payload["defaultAgentId"] == "main")
            #expect(payload["agents"]?.arrayValue?.first?["agentId"] == "main")
            #expect(payload["backend"]?["reachable"] == true)
            #expect(payload["backend"]?["modelPresent"] == true)
            await session.close()
        }
    }

    @Test("health with a probe that is not a boolean is refused with the path")
    func healthInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("health", params: ["probe": "yes"])
            expectInvalidParams(response, "health", "at /probe: must be boolean")
            await session.close()
        }
    }

    // MARK: status

    @Test("status reports version, connections, sessions and that the backend is reachable")
    func status() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let second = try await gateway.connect(instanceId: "second")
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:notes"]).ok)
            let response = try await session.request("status")
            let payload = try #require(response.payload)
            #expect(response.ok)
            #expect(payload["runtimeVersion"] == "0.0.0-test")
            #expect(payload["sessions"]?["count"] == 1)
            #expect(payload["sessions"]?["recent"]?.arrayValue?.first?["key"] == "agent:main:notes")
            let runtime = try #require(payload["gateway"])
            #expect(runtime["version"] == "0.0.0-test")
            #expect(runtime["connections"] == 2)
            #expect(runtime["sessions"] == 1)
            #expect(runtime["backend"]?["reachable"] == true)
            #expect(runtime["backend"]?["model"] == "qwen2.5:14b")
            #expect(runtime["backend"]?["modelPresent"] == true)
            await second.close()
            await session.close()
        }
    }

    @Test("status still answers when the backend is down, and says it is unreachable")
    func statusBackendDown() async throws {
        try await ClosedPort.withURL { backendURL in
            try await withGateway(ollamaURL: backendURL) { gateway in
                let session = try await gateway.connect()
                let response = try await session.request("status")
                #expect(response.ok)
                #expect(response.payload?["gateway"]?["backend"]?["reachable"] == false)
                #expect(response.payload?["gateway"]?["backend"]?["modelPresent"] == false)
                await session.close()
            }
        }
    }

    @Test("status params must be an object")
    func statusInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            expectInvalidParams(try await session.request("status", params: "all"), "status", "at /: must be object")
            await session.close()
        }
    }

    // MARK: config.get

    @Test("config.get returns the file redacted, never the token, with the SHA-256 of the file text")
    func configGet() async throws {
        let token = GatewayHarness.token
        let fileText = """
            {"agent": {"name": "Claw", "model": "qwen2.5:14b"},
             "gateway": {"auth": {"mode": "token", "token": "\(token)"}}}

            """
        try await withGateway(token: token, configFileText: fileText) { gateway in
            let session = try await gateway.connect()
            let frame = try await session.exchange(RequestFrame(id: "config", method: "config.get", params: [:]))
            #expect(!frame.raw.contains(token), "the token leaked into config.get")
            let response = try #require(frame.response)
            let payload = try #require(response.payload)
            #expect(response.ok)
            #expect(payload["exists"] == true)
            #expect(payload["valid"] == true)
            #expect(payload["path"] == .string(gateway.dataDirectory + "/config.json"))
            let expectedHash = SHA256.hash(data: Data(fileText.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(payload["hash"] == .string(expectedHash))
            #expect(payload["parsed"]?["gateway"]?["auth"]?["token"] == "__OPENCLAW_REDACTED__")
            #expect(payload["parsed"]?["agent"]?["name"] == "Claw")
            #expect(payload["raw"]?.stringValue?.contains("__OPENCLAW_REDACTED__") == true)
            #expect(payload["warnings"]?.arrayValue?.contains { $0["path"] == "/gateway" } == true)
            // The file's agent is the one the gateway serves.
            #expect(try await session.request("agent.identity.get").payload?["name"] == "Claw")
            await session.close()
        }
    }

    @Test("config.get without a file hashes the empty text and reports it missing")
    func configGetWithoutFile() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let payload = try #require(try await session.request("config.get").payload)
            #expect(payload["exists"] == false)
            #expect(payload["raw"] == .null)
            #expect(payload["hash"] == .string(SHA256.hash(data: Data()).map { String(format: "%02x", $0) }.joined()))
            await session.close()
        }
    }

    @Test("config.get takes no params")
    func configGetInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("config.get", params: ["path": "/etc"])
            expectInvalidParams(response, "config.get", "at /: must NOT have additional properties ('path')")
            await session.close()
        }
    }

    // MARK: agents.list and agent.identity.get

    @Test("agents.list lists the configured agent as the default")
    func agentsList() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let payload = try #require(try await session.request("agents.list").payload)
            #expect(payload["defaultId"] == "main")
            #expect(payload["mainKey"] == "main")
            #expect(payload["scope"] == "per-sender")
            let agents = try #require(payload["agents"]?.arrayValue)
            #expect(agents.count == 1)
            #expect(agents.first?["id"] == "main")
            #expect(agents.first?["name"] == "OpenClaw")
            #expect(agents.first?["identity"]?["avatarUrl"] == "/avatar/main")
            await session.close()
        }
    }

    @Test("agents.list takes no params")
    func agentsListInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("agents.list", params: ["includeHidden": true])
            expectInvalidParams(response, "agents.list", "at /: must NOT have additional properties ('includeHidden')")
            await session.close()
        }
    }

    @Test("agent.identity.get answers the agent's name and avatar, with or without a session key")
    func agentIdentity() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            for params: JSONValue in [[:], ["sessionKey": "agent:main:main"], ["sessionKey": "main"], ["agentId": "main"]] {
                let response = try await session.request("agent.identity.get", params: params)
                #expect(response.payload == ["agentId": "main", "name": "OpenClaw", "avatar": "/avatar/main"], "params \(params)")
            }
            await session.close()
        }
    }

    @Test("agent.identity.get with an empty agentId is refused with the path")
    func agentIdentityInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("agent.identity.get", params: ["agentId": ""])
            expectInvalidParams(response, "agent.identity.get", "at /agentId: must NOT have fewer than 1 characters")
            await session.close()
        }
    }

    @Test("agent.identity.get for another agent, by session key or id, is refused")
    func agentIdentityForeignSession() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("agent.identity.get", params: ["sessionKey": "agent:other:main"])
            #expect(response.ok == false)
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "unknown agent 'other' in session key")
            let byId = try await session.request("agent.identity.get", params: ["agentId": "other"])
            #expect(byId.error?.message == "unknown agent: other")
            await session.close()
        }
    }

    // MARK: sessions.list

    @Test("sessions.list lists sessions, most recently updated first, with the defaults")
    func sessionsList() async throws {
        try await withGateway { gateway in
            try await seedSessions(gateway)
            let session = try await gateway.connect()
            let payload = try #require(try await session.request("sessions.list").payload)
            #expect(keys(payload) == ["agent:main:alpha", "agent:main:beta", "agent:main:gamma", "agent:main:old"])
            #expect(payload["count"] == 4)
            #expect(payload["defaults"]?["model"] == "qwen2.5:14b")
            #expect(payload["defaults"]?["modelProvider"] == "ollama")
            let alpha = try #require(payload["sessions"]?.arrayValue?.first)
            #expect(alpha["label"] == "Alpha")
            #expect(alpha["kind"] == "direct")
            #expect(alpha["sessionId"] == "00000000-0000-4000-8000-00000000000a")
            await session.close()
        }
    }

    @Test("sessions.list filters by search (ignoring case), label, limit and activeMinutes")
    func sessionsListFilters() async throws {
        try await withGateway { gateway in
            try await seedSessions(gateway)
            let session = try await gateway.connect()
            func list(_ params: JSONValue) async throws -> [String] {
                let response = try await session.request("sessions.list", params: params)
                #expect(response.ok, "\(params): \(String(describing: response.error))")
                #expect(response.payload?["count"] == .integer(keys(response.payload).count))
                return keys(response.payload)
            }
            #expect(try await list(["search": "alp"]) == ["agent:main:alpha"])
            #expect(try await list(["search": "BETA"]) == ["agent:main:beta"])
            #expect(try await list(["search": "gam"]) == ["agent:main:gamma"])
            #expect(try await list(["search": "   "]).count == 4, "a blank search filters nothing")
            #expect(try await list(["label": "Beta"]) == ["agent:main:beta"])
            #expect(try await list(["label": "beta"]) == [], "labels match exactly")
            #expect(try await list(["limit": 2]) == ["agent:main:alpha", "agent:main:beta"])
            #expect(try await list(["activeMinutes": 60]) == ["agent:main:alpha", "agent:main:beta", "agent:main:gamma"])
            #expect(try await list(["activeMinutes": 60, "limit": 1, "search": "a"]) == ["agent:main:alpha"])
            #expect(try await list(["agentId": "other"]) == [])
            await session.close()
        }
    }

    @Test("sessions.list with a limit below 1 is refused with the path")
    func sessionsListInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            expectInvalidParams(try await session.request("sessions.list", params: ["limit": 0]), "sessions.list", "at /limit: must be >= 1")
            expectInvalidParams(
                try await session.request("sessions.list", params: ["activeMinutes": "ten"]), "sessions.list", "at /activeMinutes: must be integer")
            await session.close()
        }
    }

    // MARK: sessions.patch

    @Test("sessions.patch creates a missing session with a new sessionId and its overrides")
    func sessionsPatchCreates() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try keys(await session.request("sessions.list").payload) == [])
            let response = try await session.request(
                "sessions.patch", params: ["key": "agent:main:notes", "label": "Notes", "thinkingLevel": "HIGH"])
            let payload = try #require(response.payload)
            #expect(response.ok)
            #expect(payload["ok"] == true)
            #expect(payload["key"] == "agent:main:notes")
            #expect(payload["entry"]?["label"] == "Notes")
            #expect(payload["entry"]?["thinkingLevel"] == "high", "levels are stored lowercased")
            #expect(payload["entry"]?["sessionId"]?.stringValue?.count == 36)
            #expect(payload["resolved"]?["model"] == "qwen2.5:14b")
            let listed = try await session.request("sessions.list").payload
            #expect(keys(listed) == ["agent:main:notes"])
            #expect(listed?["sessions"]?.arrayValue?.first?["sessionId"] == payload["entry"]?["sessionId"])
            // Patching again keeps the session (same id) and changes only what is given.
            let again = try await session.request("sessions.patch", params: ["key": "agent:main:notes", "verboseLevel": "on"])
            #expect(again.payload?["entry"]?["sessionId"] == payload["entry"]?["sessionId"])
            #expect(again.payload?["entry"]?["label"] == "Notes")
            #expect(again.payload?["entry"]?["thinkingLevel"] == "high")
            #expect(again.payload?["entry"]?["verboseLevel"] == "on")
            await session.close()
        }
    }

    @Test("sessions.patch canonicalises the bare key main to the main session key")
    func sessionsPatchBareMain() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("sessions.patch", params: ["key": "main", "label": "Home"])
            #expect(response.payload?["key"] == "agent:main:main")
            await session.close()
        }
    }

    @Test("sessions.patch with null clears a label")
    func sessionsPatchNullClears() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:a", "label": "Temp"]).ok)
            let cleared = try await session.request("sessions.patch", params: ["key": "agent:main:a", "label": nil])
            #expect(cleared.ok)
            #expect(cleared.payload?["entry"]?["label"] == nil)
            let row = try await session.request("sessions.list").payload?["sessions"]?.arrayValue?.first
            #expect(row?["key"] == "agent:main:a")
            #expect(row?["label"] == nil)
            // The label is free again.
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:b", "label": "Temp"]).ok)
            await session.close()
        }
    }

    @Test("sessions.patch refuses a label another session already has")
    func sessionsPatchLabelUnique() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:a", "label": "Same"]).ok)
            let taken = try await session.request("sessions.patch", params: ["key": "agent:main:b", "label": "Same"])
            #expect(taken.error?.code == "INVALID_REQUEST")
            #expect(taken.error?.message == "label already in use: Same")
            // The same session may keep its own label.
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:a", "label": "Same"]).ok)
            await session.close()
        }
    }

    @Test("sessions.patch refuses a thinkingLevel OpenClaw does not know, listing the allowed ones")
    func sessionsPatchInvalidThinkingLevel() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.request("sessions.patch", params: ["key": "agent:main:a", "thinkingLevel": "extreme"])
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "invalid thinkingLevel (use off|minimal|low|medium|high|xhigh|adaptive)")
            #expect(try keys(await session.request("sessions.list").payload) == [], "a refused patch creates nothing")
            await session.close()
        }
    }

    @Test("sessions.patch sets a model the backend has (provider prefix optional), null clears it, an unknown one is refused")
    func sessionsPatchModel() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let set = try await session.request("sessions.patch", params: ["key": "agent:main:m", "model": "ollama/llama3.2:3b"])
            #expect(set.payload?["entry"]?["model"] == "llama3.2:3b")
            #expect(set.payload?["entry"]?["modelProvider"] == "ollama")
            #expect(set.payload?["resolved"]?["model"] == "llama3.2:3b")
            let row = try await session.request("sessions.list").payload?["sessions"]?.arrayValue?.first
            #expect(row?["model"] == "llama3.2:3b")
            let unknown = try await session.request("sessions.patch", params: ["key": "agent:main:m", "model": "gpt-9"])
            #expect(unknown.error?.code == "INVALID_REQUEST")
            #expect(unknown.error?.message == "invalid model (use one of: llama3.2:3b, qwen2.5:14b)")
            let cleared = try await session.request("sessions.patch", params: ["key": "agent:main:m", "model": nil])
            #expect(cleared.payload?["entry"]?["model"] == nil)
            #expect(cleared.payload?["resolved"]?["model"] == "qwen2.5:14b", "the agent's model again")
            await session.close()
        }
    }

    @Test("sessions.patch without a key is refused with the path")
    func sessionsPatchInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            expectInvalidParams(
                try await session.request("sessions.patch", params: ["label": "x"]), "sessions.patch", "at /: must have required property 'key'")
            expectInvalidParams(
                try await session.request("sessions.patch", params: ["key": "a", "label": .string(String(repeating: "x", count: 65))]),
                "sessions.patch", "at /label")
            await session.close()
        }
    }

    // MARK: sessions.delete

    @Test("sessions.delete removes a session; deleting it again reports deleted false")
    func sessionsDelete() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try await session.request("sessions.patch", params: ["key": "agent:main:scratch"]).ok)
            let deleted = try await session.request("sessions.delete", params: ["key": "agent:main:scratch"])
            #expect(deleted.payload == ["ok": true, "key": "agent:main:scratch", "deleted": true, "archived": []])
            #expect(try keys(await session.request("sessions.list").payload) == [])
            let again = try await session.request("sessions.delete", params: ["key": "agent:main:scratch"])
            #expect(again.ok)
            #expect(again.payload?["deleted"] == false)
            await session.close()
        }
    }

    @Test("the main session cannot be deleted")
    func sessionsDeleteMain() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            #expect(try await session.request("sessions.patch", params: ["key": "main"]).ok)
            for key in ["agent:main:main", "main"] {
                let response = try await session.request("sessions.delete", params: ["key": .string(key)])
                #expect(response.error?.code == "INVALID_REQUEST")
                #expect(response.error?.message == "Cannot delete the main session (agent:main:main).")
            }
            #expect(try keys(await session.request("sessions.list").payload) == ["agent:main:main"])
            await session.close()
        }
    }

    @Test("sessions.delete without a key is refused with the path")
    func sessionsDeleteInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            expectInvalidParams(
                try await session.request("sessions.delete", params: ["deleteTranscript": true]), "sessions.delete",
                "at /: must have required property 'key'")
            await session.close()
        }
    }

    // MARK: models.list

    @Test("models.list lists the backend's models by name, from Ollama")
    func modelsList() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let models = try #require(try await session.request("models.list").payload?["models"]?.arrayValue)
            #expect(models.map { $0["id"] } == ["llama3.2:3b", "qwen2.5:14b"])
            #expect(models.map { $0["name"] } == ["llama3.2:3b", "qwen2.5:14b"])
            #expect(models.allSatisfy { $0["provider"] == "ollama" && $0["input"] == ["text"] })
            await session.close()
        }
    }

    @Test("models.list takes no params")
    func modelsListInvalid() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            expectInvalidParams(
                try await session.request("models.list", params: ["provider": "ollama"]), "models.list",
                "at /: must NOT have additional properties ('provider')")
            await session.close()
        }
    }

    // MARK: Helpers

    /// The refusal every schema violation gets: INVALID_REQUEST, `invalid <method> params: at /…`.
    private func expectInvalidParams(
        _ response: ResponseFrame, _ method: String, _ violation: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.ok == false, sourceLocation: sourceLocation)
        #expect(response.payload == nil, sourceLocation: sourceLocation)
        #expect(response.error?.code == "INVALID_REQUEST", sourceLocation: sourceLocation)
        let message = response.error?.message ?? ""
        #expect(message.hasPrefix("invalid \(method) params: \(violation)"), "got: \(message)", sourceLocation: sourceLocation)
        #expect(response.error?.details?["reason"] == "invalid-params", sourceLocation: sourceLocation)
    }

    /// The session keys of a `sessions.list` payload, in order.
    private func keys(_ payload: JSONValue?) -> [String] {
        (payload?["sessions"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
    }

    /// Four sessions with known update times: alpha (newest), beta, gamma, and old (two hours ago).
    private func seedSessions(_ gateway: GatewayHarness) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let seeds: [(String, String?, Int64)] = [
            ("alpha", "Alpha", now - 1_000), ("beta", "Beta", now - 2_000), ("gamma", nil, now - 3_000),
            ("old", "Old", now - 2 * 3_600_000),
        ]
        for (index, (name, label, updatedAt)) in seeds.enumerated() {
            try await gateway.assembly.store.saveSession(SessionRecord(
                key: "agent:main:\(name)", sessionId: "00000000-0000-4000-8000-00000000000\(String(index + 10, radix: 16))",
                agentId: "main", label: label, createdAt: updatedAt, updatedAt: updatedAt))
        }
    }
}

import Foundation
import OllamaSimulator
import Testing

/// The behaviour can be changed and the counters read over HTTP and in-process, and a
/// simulator starts, reports its port and stops cleanly.
@Suite(.timeLimit(.minutes(10)))
struct SimulatorControlTests {
    @Test("a partial update changes only the fields it names; null clears")
    func aPartialUpdateChangesOnlyTheFieldsItNames() async throws {
        try await withSimulator { simulator, port in
            let response = try await SimulatorHTTP.post(
                port,
                "/_sim/behaviour",
                json: #"{"reply":"Changed at run time.","tokens_per_second":250,"error_status":502}"#
            )
            #expect(response.status == 200)
            #expect(response.json["reply"] as? String == "Changed at run time.")
            #expect(response.json["hang"] as? Bool == false)

            let behaviour = simulator.behaviour
            #expect(behaviour.reply == .text("Changed at run time."))
            #expect(behaviour.tokensPerSecond == 250)
            #expect(behaviour.errorStatus == 502)
            #expect(behaviour.models == SimulatorBehaviour.defaultModels)

            let cleared = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"error_status":null}"#)
            #expect(cleared.status == 200)
            #expect(simulator.behaviour.errorStatus == nil)
            #expect(simulator.behaviour.tokensPerSecond == 250)
        }
    }

    @Test("the next chat sees an update made over HTTP")
    func theNextChatSeesAnUpdateMadeOverHTTP() async throws {
        try await withSimulator { _, port in
            _ = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"echo":true}"#)
            let reply = try await SimulatorHTTP.post(
                port,
                "/api/chat",
                json: #"{"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"ping"}]}"#
            )
            #expect((reply.json["message"] as? [String: Any])?["content"] as? String == "ping")
        }
    }

    @Test("timestamps mode is set and cleared like echo")
    func timestampsModeIsSetAndClearedLikeEcho() async throws {
        try await withSimulator { simulator, port in
            let set = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"timestamps":3}"#)
            #expect(set.status == 200)
            #expect(simulator.behaviour.reply == .timestamps(count: 3))
            #expect(set.json["timestamps"] as? Int == 3)
            #expect(set.json["echo"] as? Bool == false)
            #expect(set.json["reply"] is NSNull)

            let cleared = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"timestamps":null}"#)
            #expect(cleared.status == 200)
            #expect(simulator.behaviour.reply == SimulatorBehaviour().reply)
            #expect(cleared.json["timestamps"] is NSNull)
        }
    }

    @Test("models can be replaced by name or in full")
    func modelsCanBeReplacedByNameOrInFull() async throws {
        try await withSimulator { simulator, port in
            let json = #"{"models":["qwen2.5:7b",{"name":"tiny:1b","context_length":2048,"family":"llama"}]}"#
            let response = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: json)
            #expect(response.status == 200)
            #expect(simulator.behaviour.models.map(\.name) == ["qwen2.5:7b", "tiny:1b"])
            #expect(simulator.behaviour.models[0].contextLength == 32_768)
            #expect(simulator.behaviour.models[1].contextLength == 2_048)
        }
    }

    @Test("an unknown field or a wrong type is 400 and changes nothing")
    func anUnknownFieldOrAWrongTypeIs400AndChangesNothing() async throws {
        try await withSimulator { simulator, port in
            let unknown = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"tokens_per_sec":5}"#)
            #expect(unknown.status == 400)
            #expect((unknown.json["error"] as? String)?.contains("tokens_per_sec") == true)

            let wrongType = try await SimulatorHTTP.post(port, "/_sim/behaviour", json: #"{"hang":true,"cut_after":"3"}"#)
            #expect(wrongType.status == 400)
            #expect(simulator.behaviour == SimulatorBehaviour(), "a rejected patch applies no part of itself")
        }
    }

    @Test("stats count requests per endpoint, and reset zeroes them")
    func statsCountRequestsPerEndpointAndResetZeroesThem() async throws {
        try await withSimulator { _, port in
            _ = try await SimulatorHTTP.get(port, "/api/tags")
            _ = try await SimulatorHTTP.get(port, "/api/tags")
            _ = try await SimulatorHTTP.post(port, "/api/chat", json: SimulatorChatTests.question)
            let stats = try await SimulatorHTTP.get(port, "/_sim/stats").json
            let requests = try #require(stats["requests"] as? [String: Int])
            #expect(requests["GET /api/tags"] == 2)
            #expect(requests["POST /api/chat"] == 1)
            #expect(stats["chats_started"] as? Int == 1)
            #expect(stats["chats_completed"] as? Int == 1)
            #expect(stats["currently_streaming"] as? Int == 0)
            #expect((stats["last_chat_request"] as? [String: Any])?["model"] as? String == "qwen2.5:14b")

            let reset = try await SimulatorHTTP.post(port, "/_sim/reset", json: "")
            #expect(reset.json["chats_started"] as? Int == 0)
            #expect((reset.json["requests"] as? [String: Int])?["GET /api/tags"] == nil)
        }
    }

    @Test("in-process changes apply to the next request")
    func inProcessChangesApplyToTheNextRequest() async throws {
        try await withSimulator { simulator, port in
            simulator.updateBehaviour { $0.errorStatus = 500 }
            let failing = try await SimulatorHTTP.post(port, "/api/chat", json: SimulatorChatTests.question)
            #expect(failing.status == 500)
            simulator.behaviour = SimulatorBehaviour()
            let working = try await SimulatorHTTP.post(port, "/api/chat", json: SimulatorChatTests.question)
            #expect(working.status == 200)
            #expect(simulator.stats().requests(for: "POST", "/api/chat") == 2)
            simulator.resetStats()
            #expect(simulator.stats() == SimulatorStats())
        }
    }

    @Test("a simulator reports its port, runs once, and stops listening when done")
    func aSimulatorReportsItsPortRunsOnceAndStopsListeningWhenDone() async throws {
        let simulator = OllamaSimulator()
        let port = try await simulator.withRunning { port in
            #expect(simulator.boundPort == port)
            let root = try await SimulatorHTTP.get(port, "/")
            #expect(root.status == 200)
            await #expect(throws: SimulatorError.alreadyStarted) { try await simulator.run() }
            return port
        }
        #expect(port > 0)
        #expect(simulator.boundPort == nil)
        await #expect(throws: SimulatorError.self) { try await simulator.listeningPort() }
    }
}

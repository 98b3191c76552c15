import Foundation
import OllamaSimulator
import Testing

/// The simulator's non-chat endpoints answer with Ollama's status codes, content types and field names.
@Suite(.timeLimit(.minutes(10)))
struct SimulatorWireFormatTests {
    @Test("GET and HEAD / say \"Ollama is running\"")
    func rootSaysOllamaIsRunningToGetAndHead() async throws {
        try await withSimulator { _, port in
            let get = try await SimulatorHTTP.get(port, "/")
            #expect(get.status == 200)
            #expect(get.body == "Ollama is running")

            let head = try await SimulatorHTTP.get(port, "/", method: .HEAD)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers.first(name: "content-length") == "17")
        }
    }

    @Test("version is an object with one version string")
    func versionIsAnObjectWithOneVersionString() async throws {
        try await withSimulator(SimulatorBehaviour(version: "0.9.9")) { _, port in
            let response = try await SimulatorHTTP.get(port, "/api/version")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "content-type") == "application/json; charset=utf-8")
            #expect(Set(response.json.keys) == ["version"])
            #expect(response.json["version"] as? String == "0.9.9")
        }
    }

    @Test("tags list every model with Ollama's fields and details")
    func tagsListEveryModelWithOllamasFieldsAndDetails() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.get(port, "/api/tags")
            #expect(response.status == 200)
            let models = try #require(response.json["models"] as? [[String: Any]])
            #expect(models.map { $0["name"] as? String } == ["qwen2.5:14b", "llama3.2:3b"])

            let qwen = models[0]
            #expect(Set(qwen.keys) == ["name", "model", "modified_at", "size", "digest", "details"])
            #expect(qwen["model"] as? String == "qwen2.5:14b")
            #expect((qwen["size"] as? Int ?? 0) > 0)
            let digest = try #require(qwen["digest"] as? String)
            #expect(digest.count == 64 && digest.allSatisfy(\.isHexDigit))
            #expect((qwen["modified_at"] as? String)?.hasSuffix("Z") == true)

            let details = try #require(qwen["details"] as? [String: Any])
            #expect(
                Set(details.keys) == ["parent_model", "format", "family", "families", "parameter_size", "quantization_level"]
            )
            #expect(details["format"] as? String == "gguf")
            #expect(details["family"] as? String == "qwen2")
            #expect(details["families"] as? [String] == ["qwen2"])
            #expect(details["parameter_size"] as? String == "14.8B")
        }
    }

    @Test("tags are byte for byte repeatable")
    func tagsAreByteForByteRepeatable() async throws {
        try await withSimulator { _, port in
            let first = try await SimulatorHTTP.get(port, "/api/tags")
            let second = try await SimulatorHTTP.get(port, "/api/tags")
            #expect(first.body == second.body)
        }
    }

    @Test("show reports details, model_info with the context length, and capabilities")
    func showReportsDetailsModelInfoContextLengthAndCapabilities() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.post(port, "/api/show", json: #"{"model":"qwen2.5:14b"}"#)
            #expect(response.status == 200)
            let body = response.json
            #expect(
                Set(body.keys).isSuperset(of: ["modelfile", "parameters", "template", "details", "model_info", "capabilities"])
            )
            let info = try #require(body["model_info"] as? [String: Any])
            #expect(info["general.architecture"] as? String == "qwen2")
            #expect(info["qwen2.context_length"] as? Int == 32_768)
            #expect((body["capabilities"] as? [String])?.contains("completion") == true)
            #expect((body["details"] as? [String: Any])?["parameter_size"] as? String == "14.8B")
        }
    }

    @Test("a name without a tag means :latest")
    func showResolvesANameWithoutTagToLatest() async throws {
        let behaviour = SimulatorBehaviour(models: [SimulatorModel(name: "mistral")])
        try await withSimulator(behaviour) { _, port in
            let response = try await SimulatorHTTP.post(port, "/api/show", json: #"{"model":"mistral"}"#)
            #expect(response.status == 200)
            let tags = try await SimulatorHTTP.get(port, "/api/tags")
            #expect((tags.json["models"] as? [[String: Any]])?.first?["name"] as? String == "mistral:latest")
        }
    }

    @Test("show of an unknown model is 404 with Ollama's text")
    func showOfAnUnknownModelIs404WithOllamasText() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.post(port, "/api/show", json: #"{"model":"nope:1b"}"#)
            #expect(response.status == 404)
            #expect(response.json as? [String: String] == ["error": "model 'nope:1b' not found"])
        }
    }

    @Test("unknown routes are 404 in plain text")
    func unknownRoutesAre404PlainText() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.get(port, "/api/nothing-here")
            #expect(response.status == 404)
            #expect(response.body == "404 page not found")
        }
    }

    @Test("bad bodies are 400 with an error")
    func badBodiesAre400WithAnError() async throws {
        try await withSimulator { _, port in
            let empty = try await SimulatorHTTP.post(port, "/api/chat", json: "")
            #expect(empty.status == 400)
            #expect(empty.json["error"] as? String == "missing request body")

            let notJSON = try await SimulatorHTTP.post(port, "/api/chat", json: "{not json")
            #expect(notJSON.status == 400)
            #expect((notJSON.json["error"] as? String)?.isEmpty == false)

            let noModel = try await SimulatorHTTP.post(port, "/api/chat", json: #"{"messages":[]}"#)
            #expect(noModel.status == 400)
            #expect(noModel.json["error"] as? String == "model is required")
        }
    }

    @Test("a body over the cap is 413")
    func aBodyOverTheCapIs413() async throws {
        try await withSimulator(maxRequestBodyBytes: 1_024) { simulator, port in
            let big = #"{"model":"qwen2.5:14b","messages":[{"role":"user","content":""# + String(repeating: "x", count: 4_096)
                + #""}]}"#
            let response = try await SimulatorHTTP.post(port, "/api/chat", json: big)
            #expect(response.status == 413)
            #expect(response.json["error"] as? String == "request body too large")
            #expect(simulator.stats().chatsStarted == 0)
        }
    }
}

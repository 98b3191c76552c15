import OllamaSimulator
import Testing

/// `/api/pull` reports progress the way Ollama does and makes the model available.
@Suite(.timeLimit(.minutes(10)))
struct SimulatorPullTests {
    @Test("a streamed pull reports manifest, layers and success, then lists the model")
    func aStreamedPullReportsManifestLayersAndSuccessThenListsTheModel() async throws {
        try await withSimulator { _, port in
            let request = SimulatorHTTP.postRequest(port, "/api/pull", json: #"{"model":"phi3:3.8b"}"#)
            let (lines, brokeOff, _) = try await SimulatorHTTP.streamLines(request)
            #expect(!brokeOff)
            let objects = lines.compactMap(SimulatorHTTP.object)
            #expect(objects.count == lines.count)
            #expect(objects.first?["status"] as? String == "pulling manifest")
            #expect(objects.last as? [String: String] == ["status": "success"])

            let downloads = objects.filter { $0["digest"] != nil }
            #expect(!downloads.isEmpty)
            for line in downloads {
                #expect(Set(line.keys).isSubset(of: ["status", "digest", "total", "completed"]))
                #expect((line["digest"] as? String)?.hasPrefix("sha256:") == true)
                let total = try #require(line["total"] as? Int)
                #expect((line["completed"] as? Int ?? 0) <= total)
            }
            #expect(downloads.contains { $0["completed"] == nil }, "completed is absent before any bytes arrive")

            let tags = try await SimulatorHTTP.get(port, "/api/tags")
            let names = (tags.json["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names?.contains("phi3:3.8b") == true)
        }
    }

    @Test("an unstreamed pull answers with success only")
    func anUnstreamedPullAnswersWithSuccessOnly() async throws {
        try await withSimulator { _, port in
            let response = try await SimulatorHTTP.post(port, "/api/pull", json: #"{"model":"phi3","stream":false}"#)
            #expect(response.status == 200)
            #expect(response.json as? [String: String] == ["status": "success"])
        }
    }

    @Test("a failing pull ends the stream with an error line, or answers 500")
    func aFailingPullEndsTheStreamWithAnErrorLineOrAnswers500() async throws {
        try await withSimulator(SimulatorBehaviour(pullFails: true)) { _, port in
            let request = SimulatorHTTP.postRequest(port, "/api/pull", json: #"{"model":"phi3"}"#)
            let (lines, _, _) = try await SimulatorHTTP.streamLines(request)
            #expect(SimulatorHTTP.object(lines.first ?? "")?["status"] as? String == "pulling manifest")
            #expect((SimulatorHTTP.object(try #require(lines.last))?["error"] as? String)?.isEmpty == false)

            let whole = try await SimulatorHTTP.post(port, "/api/pull", json: #"{"model":"phi3","stream":false}"#)
            #expect(whole.status == 500)
            #expect(whole.json["error"] != nil)

            let tags = try await SimulatorHTTP.get(port, "/api/tags")
            #expect((tags.json["models"] as? [[String: Any]])?.count == 2, "a failed pull adds nothing")
        }
    }
}

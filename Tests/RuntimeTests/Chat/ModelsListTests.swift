import Foundation
import GatewayClient
import OllamaSimulator
import Testing

/// `models.list` is the backend's catalog in OpenClaw's ModelChoice shape; a backend that is
/// down is an error, never an empty list.
@Suite(.timeLimit(.minutes(10)))
struct ModelsListTests {
    @Test("the simulator's tags become ModelChoice entries, sorted by name")
    func mapsTags() async throws {
        let models = [
            SimulatorModel(name: "qwen2.5:14b"), SimulatorModel(name: "mistral:7b"), SimulatorModel(name: "llama3.2:3b"),
        ]
        try await withGateway(behaviour: SimulatorBehaviour(models: models)) { gateway in
            let session = try await gateway.connect(scopes: ["operator.read"])
            let response = try await session.request("models.list", params: [:])
            #expect(response.ok)
            let choices = try #require(response.payload?["models"]?.arrayValue)
            #expect(choices.map { $0["id"] } == ["llama3.2:3b", "mistral:7b", "qwen2.5:14b"])
            for choice in choices {
                #expect(choice["name"] == choice["id"])
                #expect(choice["provider"] == "ollama")
                #expect(choice["input"] == ["text"])
            }
            #expect(gateway.simulator.stats().requests(for: "GET", "/api/tags") >= 1)

            gateway.simulator.updateBehaviour { $0.models.append(SimulatorModel(name: "phi4:14b")) }
            let again = try await session.request("models.list", params: [:])
            #expect(again.payload?["models"]?.arrayValue?.map { $0["id"] } == ["llama3.2:3b", "mistral:7b", "phi4:14b", "qwen2.5:14b"],
                    "read from the backend each time, not cached")
            await session.close()
        }
    }

    @Test("with the backend down models.list is UNAVAILABLE, and the connection stays usable")
    func backendDown() async throws {
        try await withRefusedPort { closedPort in
            try await withGateway(ollamaURL: "http://127.0.0.1:\(closedPort)") { gateway in
                let session = try await gateway.connect()
                let response = try await session.request("models.list", params: [:])
                #expect(response.ok == false)
                #expect(response.payload == nil, "no empty list")
                #expect(response.error?.code == "UNAVAILABLE")
                #expect(response.error?.message.hasPrefix("model catalog unavailable: The model server cannot be reached") == true)
                #expect(response.error?.retryable == true)
                #expect(try await session.request("health").ok)
                await session.close()
            }
        }
    }
}

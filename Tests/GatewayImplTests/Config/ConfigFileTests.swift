import Foundation
import GeneratedProtocol
import Testing
@testable import GatewayImpl

@Suite struct ConfigFileTests {
    @Test("the Kubernetes ConfigMap format sets the agent")
    func configMapFormat() {
        let file = ConfigFile.parse(
            Data(#"{"agent":{"model":"llama3.2:3b","name":"Helper","description":"a test agent"}}"#.utf8), path: "/etc/kubeclaw/config.json")
        #expect(file.isValid)
        #expect(file.agent.model == "llama3.2:3b")
        #expect(file.agent.name == "Helper")
        #expect(file.agent.systemPrompt.contains("You are Helper, a test agent."))
        #expect(file.warnings.isEmpty)
    }

    @Test("problems are reported with their JSON path, unknown keys as warnings")
    func problems() {
        let file = ConfigFile.parse(
            Data(#"{"agent":{"model":"","name":3,"colour":"red"},"ollama":{"numCtx":10,"temperature":"hot"},"extra":1}"#.utf8), path: nil)
        #expect(!file.isValid)
        #expect(file.issues.map(\.path) == ["/agent/model", "/agent/name", "/ollama/numCtx", "/ollama/temperature"])
        #expect(file.warnings.map(\.path) == ["/extra", "/agent/colour"])
    }

    @Test("sessions sets the retention; values out of range are issues, unknown keys warnings")
    func sessionsRetention() {
        let file = ConfigFile.parse(Data(#"{"sessions":{"retentionDays":7,"maxMessages":0}}"#.utf8), path: nil)
        #expect(file.isValid && file.warnings.isEmpty)
        #expect(file.sessionRetentionDays == 7)
        #expect(file.maxMessagesPerSession == 0)

        let bad = ConfigFile.parse(Data(#"{"sessions":{"retentionDays":-1,"maxMessages":"many","ttl":3}}"#.utf8), path: nil)
        #expect(bad.issues.map(\.path) == ["/sessions/retentionDays", "/sessions/maxMessages"])
        #expect(bad.warnings.map(\.path) == ["/sessions/ttl"])
    }

    @Test("text that is not JSON is one issue at the root")
    func notJSON() {
        let file = ConfigFile.parse(Data("agent: {}".utf8), path: nil)
        #expect(file.issues == [ConfigFile.Issue(path: "/", message: "not valid JSON (the config file must be strict JSON)")])
    }

    @Test("the hash is the SHA-256 of the raw text, of the empty string without a file")
    func hash() {
        #expect(ConfigFile().hash == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ConfigFile.parse(Data("{}".utf8), path: nil).hash == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    }

    @Test("secrets are redacted by key, counts are not")
    func redaction() {
        let value: JSONValue = [
            "gateway": ["auth": ["token": "s3cret", "mode": "token"]], "providers": ["openai": ["apiKey": "sk-1"]],
            "limits": ["maxTokens": 10], "clientSecret": "x", "empty": ["password": ""],
        ]
        let redacted = SecretRedactor.redact(value)
        #expect(redacted["gateway"]?["auth"]?["token"] == .string(SecretRedactor.placeholder))
        #expect(redacted["gateway"]?["auth"]?["mode"] == "token")
        #expect(redacted["providers"]?["openai"]?["apiKey"] == .string(SecretRedactor.placeholder))
        #expect(redacted["clientSecret"] == .string(SecretRedactor.placeholder))
        #expect(redacted["limits"]?["maxTokens"] == 10)
        #expect(redacted["empty"]?["password"] == "")
        #expect(!redacted.description.contains("s3cret") && !redacted.description.contains("sk-1"))
    }
}

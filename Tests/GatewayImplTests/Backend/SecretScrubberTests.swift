import Testing
@testable import GatewayImpl

/// What a provider says back never carries a key into a log, an error event or the store.
@Suite struct SecretScrubberTests {
    @Test("the configured key, key shapes, Bearer and x-api-key values are replaced")
    func scrubs() {
        let scrubber = SecretScrubber(secrets: ["my-vllm-secret-123"])
        let text = """
            Incorrect API key provided: sk-proj-abcdefghijklmnop. Authorization: Bearer my-vllm-secret-123 \
            x-api-key: sk-ant-api03-zzzzzzzzzzzz {"api_key": "hunter22"} key my-vllm-secret-123
            """
        let scrubbed = scrubber.scrub(text)
        for secret in ["sk-proj-abcdefghijklmnop", "my-vllm-secret-123", "sk-ant-api03-zzzzzzzzzzzz", "hunter22"] {
            #expect(!scrubbed.contains(secret), "\(secret) in \(scrubbed)")
        }
        #expect(scrubbed.contains("Incorrect API key provided: [redacted]"))
        #expect(scrubbed.contains("Bearer [redacted]"))
    }

    @Test("ordinary messages pass unchanged; long ones are cut")
    func keepsOrdinaryText() {
        let scrubber = SecretScrubber(secrets: ["ab"])
        #expect(scrubber.scrub("Overloaded: please try again about the task") == "Overloaded: please try again about the task")
        #expect(scrubber.scrub(String(repeating: "x", count: 2_000)).count == 501)
    }
}

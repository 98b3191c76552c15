import Testing
@testable import GatewayImpl

@Suite struct SessionKeyTests {
    @Test("bare keys are canonicalized against the default agent", arguments: [
        ("main", "agent:main:main"), ("Main", "agent:main:main"), ("agent:main:main", "agent:main:main"),
        ("agent:Ops:Thread-1", "agent:ops:thread-1"), ("project-x", "agent:main:project-x"),
        ("agent:main:subagent:1234", "agent:main:subagent:1234"),
    ])
    func canonicalization(raw: String, canonical: String) throws {
        #expect(try SessionKey(parsing: raw, defaultAgentId: "main").description == canonical)
    }

    @Test("malformed, reserved and oversized keys are rejected with a reason", arguments: [
        ("", SessionKey.ParseError.empty), ("agent:main", .malformedAgentKey("agent:main")),
        ("agent::x", .malformedAgentKey("agent::x")), ("global", .reserved("global")), ("cron:nightly", .reserved("cron:nightly")),
    ])
    func rejection(raw: String, error: SessionKey.ParseError) {
        #expect(throws: error) { try SessionKey(parsing: raw, defaultAgentId: "main") }
    }

    @Test("a key longer than 512 characters is rejected")
    func tooLong() {
        #expect(throws: SessionKey.ParseError.tooLong) {
            try SessionKey(parsing: String(repeating: "k", count: 513), defaultAgentId: "main")
        }
    }

    @Test("agent ids are lowercased and other characters collapse to a dash")
    func agentIdNormalization() {
        #expect(SessionKey.normalizedAgentId("My Agent!") == "my-agent-")
        #expect(SessionKey.normalizedAgentId("___") == nil)
        #expect(SessionKey.normalizedAgentId("ops_2") == "ops_2")
    }
}

import GatewayImpl
import Testing

/// Log lines read back through `logs.tail` lose their secrets; lines without a secret's marker
/// skip the regular expressions and come back unchanged.
@Suite("Log redaction")
struct LogRedactionTests {
    @Test("secrets are redacted whatever their case", arguments: [
        ("auth header Authorization: Bearer abc.def-123", "auth header Authorization: Bearer [redacted]"),
        ("AUTHORIZATION: BEARER abc", "AUTHORIZATION: BEARER [redacted]"),
        ("issued kdt_AbC123-_x to the device", "issued [redacted] to the device"),
        ("token=s3cret next=1", "token=[redacted] next=1"),
        (#"{"apiKey":"sk-live-1","model":"m"}"#, #"{"apiKey":"[redacted]","model":"m"}"#),
        ("OPENAI_API_KEY: sk-2", "OPENAI_API_KEY: [redacted]"),
        ("Gateway_Password = hunter2", "Gateway_Password = [redacted]"),
        ("private_key: abc", "private_key: [redacted]"),
    ])
    func redacted(_ line: String, _ expected: String) {
        #expect(LogRedaction.redact(line) == expected)
    }

    @Test("lines without a secret come back unchanged", arguments: [
        "client connected connId=3f2a mode=ui sessionKey=agent:main:main",
        "chat run finished runId=r1 stopReason=stop",
        "",
    ])
    func unchanged(_ line: String) {
        #expect(LogRedaction.redact(line) == line)
    }
}

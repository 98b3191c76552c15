import GatewayImpl
import GeneratedProtocol
import Testing

/// URL credentials are redacted wherever configuration is shown (`SecretRedactor`), in every
/// form an address is written, and log lines get the same treatment (`LogRedaction`).
@Suite struct SecretRedactorURLTests {
    static let placeholder = SecretRedactor.placeholder

    @Test("userinfo is replaced in URLs with a scheme and in OLLAMA_HOST's scheme-less form")
    func userinfo() {
        #expect(SecretRedactor.redactURL("http://user:pw@ollama:11434/x") == "http://\(Self.placeholder)@ollama:11434/x")
        #expect(SecretRedactor.redactURL("user:pw@127.0.0.1:11434") == "\(Self.placeholder)@127.0.0.1:11434")
        #expect(SecretRedactor.redactURL("https://a:b@c@host/") == "https://\(Self.placeholder)@host/")
        #expect(SecretRedactor.redactURL("http://127.0.0.1:11434") == "http://127.0.0.1:11434")
        #expect(SecretRedactor.redactURL("127.0.0.1:11434") == "127.0.0.1:11434")
    }

    @Test("secret-named query values are replaced, others kept")
    func query() {
        #expect(SecretRedactor.redactURL("https://h/v1?api_key=k1&model=m&token=t2")
            == "https://h/v1?api_key=\(Self.placeholder)&model=m&token=\(Self.placeholder)")
    }

    @Test("JSON values: URLs in any string, scheme-less addresses under url/baseUrl/host keys; e-mail addresses stay")
    func json() {
        let value: JSONValue = [
            "ollama": ["url": "u:p@h:1"], "note": "see http://x:y@h/ now", "contact": "bob@example.com",
        ]
        let redacted = SecretRedactor.redact(value)
        #expect(redacted["ollama"]?["url"] == .string("\(Self.placeholder)@h:1"))
        #expect(redacted["note"] == .string("see http://\(Self.placeholder)@h/ now"))
        #expect(redacted["contact"] == "bob@example.com")
        #expect(SecretRedactor.containsSecrets(value))
    }

    @Test("log lines lose URL credentials")
    func logLines() {
        let line = LogRedaction.redact("backend http://admin:hunter2@ollama:11434 refused")
        #expect(!line.contains("hunter2"))
    }
}

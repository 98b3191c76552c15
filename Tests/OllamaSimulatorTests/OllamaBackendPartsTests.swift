@testable import GatewayImpl
import NIOCore
import Testing

/// The backend's pure parts: address forms, line splitting, reply lines.
@Suite
struct OllamaBackendPartsTests {
    @Test("every OLLAMA_HOST form resolves to a URL", arguments: [
        ("", "http://127.0.0.1:11434/api/chat"),
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434/api/chat"),
        ("127.0.0.1:11434", "http://127.0.0.1:11434/api/chat"),
        ("0.0.0.0", "http://127.0.0.1:11434/api/chat"),
        (":8080", "http://127.0.0.1:8080/api/chat"),
        ("ollama.internal", "http://ollama.internal:11434/api/chat"),
        ("http://ollama.internal", "http://ollama.internal:80/api/chat"),
        ("https://gpu.example/ollama/", "https://gpu.example:443/ollama/api/chat"),
        ("[::1]:11434", "http://[::1]:11434/api/chat"),
        ("[::]", "http://[::1]:11434/api/chat"),
        ("  HTTP://Example:1234  ", "http://Example:1234/api/chat"),
    ])
    func ollamaHostFormsResolveToAURL(input: String, expected: String) throws {
        #expect(try OllamaAddress(parsing: input).url("/api/chat") == expected)
    }

    @Test("unusable addresses are rejected", arguments: ["ftp://host", "host:0", "host:70000", "host:port", "http://host/?q=1", "[::1"])
    func unusableAddressesAreRejected(input: String) {
        #expect(throws: ModelBackendError.self) { try OllamaAddress(parsing: input) }
    }

    @Test("credentials in the URL become an authorization header and stay out of messages")
    func credentialsInTheURLBecomeAnAuthorizationHeaderAndStayOutOfMessages() throws {
        let address = try OllamaAddress(parsing: "http://user:secret@ollama.internal:11434")
        #expect(address.authorization == "Basic dXNlcjpzZWNyZXQ=")
        #expect(address.displayName == "ollama.internal:11434")
        #expect(!address.url("/api/tags").contains("secret"))
    }

    @Test("lines are split across chunks and CRLF is trimmed")
    func linesAreSplitAcrossChunksAndCRLFIsTrimmed() throws {
        var splitter = NDJSONLineSplitter(maxLineBytes: 64)
        var lines: [String] = []
        for chunk in ["{\"a\":", "1}\r\n{\"b\"", ":2}\n\n{\"c\":3}"] {
            splitter.append(ByteBuffer(string: chunk))
            while let line = try splitter.nextLine() { lines.append(String(buffer: line)) }
        }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", ""])
        #expect(splitter.finish().map { String(buffer: $0) } == "{\"c\":3}")
    }

    @Test("a line over the cap is malformed even before its newline")
    func aLineOverTheCapIsMalformedEvenBeforeItsNewline() throws {
        var splitter = NDJSONLineSplitter(maxLineBytes: 8)
        splitter.append(ByteBuffer(string: "0123456789"))
        #expect(throws: ModelBackendError.malformedResponse("a reply line is longer than 8 bytes")) {
            try splitter.nextLine()
        }
    }

    @Test("an error line after the head is the server's error, reported as 500")
    func anErrorLineAfterTheHeadIsTheServersError() {
        var accumulator = OllamaChatAccumulator()
        #expect(throws: ModelBackendError.httpStatus(500, "out of memory")) {
            try accumulator.consume(ByteBuffer(string: #"{"error":"out of memory"}"#))
        }
    }

    @Test("a line without \"done\" is malformed")
    func aLineWithoutDoneIsMalformed() {
        var accumulator = OllamaChatAccumulator()
        #expect(throws: ModelBackendError.self) {
            try accumulator.consume(ByteBuffer(string: #"{"message":{"role":"assistant","content":"x"}}"#))
        }
    }

    @Test("every error has a message for people")
    func everyErrorHasAMessageForPeople() {
        let errors: [ModelBackendError] = [
            .unreachable("connection refused"), .modelNotFound("m"), .httpStatus(500, "boom"), .httpStatus(502, ""),
            .malformedResponse("bad"), .streamEndedEarly, .firstTokenTimeout, .idleTimeout,
        ]
        for error in errors {
            #expect(error.message.hasSuffix(".") || error.message.hasSuffix("boom"))
            #expect(!error.message.isEmpty)
        }
    }
}

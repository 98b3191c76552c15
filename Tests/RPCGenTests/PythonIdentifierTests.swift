import Testing
@testable import rpcgen

/// How spec names and text are spelled in the generated Python.
@Suite struct PythonIdentifierTests {
    @Test("method names are snake_case, keywords and the runtime's members get a trailing underscore", arguments: [
        ("chat.send", "chat_send"), ("models.authStatus", "models_auth_status"), ("system-presence", "system_presence"),
        ("sessions.messages.subscribe", "sessions_messages_subscribe"), ("import", "import_"), ("close", "close_"),
    ])
    func methodNames(name: String, expected: String) {
        #expect(PythonIdentifier.method(name) == expected)
    }

    @Test("only identifiers that are not keywords can be TypedDict class members")
    func plainIdentifiers() {
        #expect(PythonIdentifier.isPlainIdentifier("sessionKey"))
        #expect(PythonIdentifier.isPlainIdentifier("type"))
        #expect(!PythonIdentifier.isPlainIdentifier("in"))
        #expect(!PythonIdentifier.isPlainIdentifier("a-b"))
        #expect(!PythonIdentifier.isPlainIdentifier("1x"))
    }

    @Test("docstrings escape backslashes and triple quotes and never end in a fourth quote")
    func docstrings() {
        // `say "hi"` → """say "hi\""""
        #expect(PythonIdentifier.docstring(["say \"hi\""]) == ["\"\"\"say \"hi\\\"\"\"\""])
        // `a \ b """ c` → """a \\ b \"\"\" c"""
        #expect(PythonIdentifier.docstring(["a \\ b \"\"\" c"]) == ["\"\"\"a \\\\ b \\\"\\\"\\\" c\"\"\""])
        #expect(PythonIdentifier.docstring(["one", "two"]) == ["\"\"\"one", "", "two", "\"\"\""])
        #expect(PythonIdentifier.docstring([""]).isEmpty)
    }
}

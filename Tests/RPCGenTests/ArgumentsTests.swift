import Testing
@testable import rpcgen

@Suite struct ArgumentsTests {
    @Test("generate takes a spec, an output directory and one or more renderers")
    func generateParses() throws {
        let command = try Arguments.parse([
            "generate", "--spec", "s.json", "--output", "out", "--renderer", "swift-types", "--renderer", "markdown",
        ])
        #expect(command == .generate(spec: "s.json", output: "out", renderers: ["swift-types", "markdown"], check: false))
    }

    @Test("missing or unknown options are usage errors that say what is wrong", arguments: [
        (["generate", "--output", "out", "--renderer", "markdown"], "generate needs --spec"),
        (["generate", "--spec", "s.json", "--renderer", "markdown"], "generate needs --output"),
        (["generate", "--spec", "s.json", "--output", "out"], "generate needs at least one --renderer"),
        (["generate", "--spec"], "--spec needs a value"),
        (["generate", "--colour"], "unknown option '--colour'"),
        (["render"], "unknown command 'render'"),
    ])
    func usageErrors(arguments: [String], message: String) {
        #expect(throws: Arguments.UsageError.self) { try Arguments.parse(arguments) }
        do {
            _ = try Arguments.parse(arguments)
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test("an unknown renderer suggests the closest one")
    func unknownRendererSuggests() {
        #expect(throws: Arguments.UsageError.self) { try RPCGenCommand.run(["list-outputs", "--renderer", "swift-type"]) }
        do {
            try RPCGenCommand.run(["list-outputs", "--renderer", "swift-type"])
        } catch {
            #expect("\(error)".hasPrefix("unknown renderer 'swift-type' (did you mean swift-types?)"))
        }
    }
}

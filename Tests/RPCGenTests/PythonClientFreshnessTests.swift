import Foundation
import Testing
@testable import rpcgen

/// The generated Python client under `clients/python/kubeclaw_client/` is committed (its users
/// need no Swift); it must be exactly what rpcgen renders from `Spec/openclaw-rpc.json`.
@Suite struct PythonClientFreshnessTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("clients/python/kubeclaw_client")
    static let regenerate = "swift run rpcgen generate --spec Spec/openclaw-rpc.json --output clients/python/kubeclaw_client --renderer python"

    @Test("clients/python/kubeclaw_client holds what rpcgen renders from the spec", arguments: PythonRenderer().outputFileNames)
    func generatedFileIsUpToDate(name: String) throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let file = try #require(PythonRenderer().render(ir).first { $0.name == name })
        let committed = try? String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        #expect(committed == file.contents, "clients/python/kubeclaw_client/\(name) is stale; run: \(Self.regenerate)")
    }

    @Test("the client has one async method per RPC except the handshake, and a constant per event")
    func clientCoversTheSpec() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let module = try #require(PythonRenderer().render(ir).first { $0.name == "client.py" }).contents
        for method in ir.methods where method.name != PythonRenderer.handshakeMethod {
            let name = PythonIdentifier.method(method.name)
            #expect(module.contains("    async def \(name)(self, params"), "no method \(name) for \(method.name)")
            #expect(module.contains("await self.request(\"\(method.name)\","), "no request for \(method.name)")
        }
        #expect(!module.contains("self.request(\"connect\""), "the handshake is the runtime's")
        for event in ir.events { #expect(module.contains(": Final = \"\(event.name)\""), "no constant for event \(event.name)") }
    }

    @Test("the Python and TypeScript clients serve the mock the same examples")
    func examplesAreShared() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let python = PythonRenderer().render(ir).first { $0.name == "examples.json" }
        let typescript = TypeScriptRenderer().render(ir).first { $0.name == "examples.json" }
        #expect(python != nil && python == typescript)
    }
}

import Foundation
import Testing
@testable import rpcgen

/// The generated TypeScript client under `clients/typescript/` is committed (its users need no
/// Swift); it must be exactly what rpcgen renders from `Spec/openclaw-rpc.json`.
@Suite struct TypeScriptClientFreshnessTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("clients/typescript")
    static let regenerate = "swift run rpcgen generate --spec Spec/openclaw-rpc.json --output clients/typescript --renderer typescript"

    @Test("clients/typescript holds what rpcgen renders from the spec", arguments: TypeScriptRenderer().outputFileNames)
    func generatedFileIsUpToDate(name: String) throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let file = try #require(TypeScriptRenderer().render(ir).first { $0.name == name })
        let committed = try? String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        #expect(committed == file.contents, "clients/typescript/\(name) is stale; run: \(Self.regenerate)")
    }

    @Test("the client has one method per RPC except the handshake, and a constant per event")
    func clientCoversTheSpec() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let module = try #require(TypeScriptRenderer().render(ir).first { $0.name == "kubeclaw-client.js" }).contents
        for method in ir.methods where method.name != TypeScriptRenderer.handshakeMethod {
            #expect(module.contains("return this.request(\"\(method.name)\", params, options);"), "no method for \(method.name)")
        }
        #expect(!module.contains("this.request(\"connect\""), "the handshake is the runtime's")
        for event in ir.events { #expect(module.contains(": \"\(event.name)\","), "no constant for event \(event.name)") }
    }
}

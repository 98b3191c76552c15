import Foundation
import Testing
@testable import rpcgen

/// `docs/protocol.md` is rendered from the spec and committed; it must never go stale.
@Suite struct ProtocolDocsTests {
    @Test("docs/protocol.md is what rpcgen renders from Spec/openclaw-rpc.json")
    func protocolDocsAreUpToDate() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let rendered = try #require(RendererRegistry.renderer(named: "markdown")).render(ir)
        let file = try #require(rendered.first { $0.name == "protocol.md" })
        let committed = try String(contentsOf: TestPaths.protocolDocs, encoding: .utf8)
        #expect(
            committed == file.contents,
            "docs/protocol.md is stale; run: swift run rpcgen generate --spec Spec/openclaw-rpc.json --output docs --renderer markdown")
    }

    @Test("the docs describe every method and event of the spec")
    func docsCoverEveryMethodAndEvent() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "Spec/openclaw-rpc.json")
        let docs = try String(contentsOf: TestPaths.protocolDocs, encoding: .utf8)
        for method in ir.methods { #expect(docs.contains("### \(method.name)\n"), "no section for \(method.name)") }
        for event in ir.events { #expect(docs.contains("### Event \(event.name)\n"), "no section for event \(event.name)") }
    }
}

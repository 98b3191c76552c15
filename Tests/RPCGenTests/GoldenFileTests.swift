import Foundation
import Testing
@testable import rpcgen

/// Every renderer's output for `Fixtures/mini-spec.json` is compared with the files in
/// `Fixtures/Golden/<renderer>/`. After an intended change, re-record them with
///
///     RPCGEN_RECORD=1 swift test --filter GoldenFileTests
///
/// and review the diff of the golden files like any other change.
@Suite struct GoldenFileTests {
    static let record = ProcessInfo.processInfo.environment["RPCGEN_RECORD"] == "1"

    static var renderers: [String] { RendererRegistry.all.map(\.identifier) }

    @Test("renderer output matches its golden files", arguments: renderers)
    func rendererMatchesGoldenFiles(identifier: String) throws {
        let renderer = try #require(RendererRegistry.renderer(named: identifier))
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.miniSpec, displayName: "mini-spec.json")
        let files = renderer.render(ir)
        #expect(files.map(\.name) == renderer.outputFileNames, "a renderer writes exactly the files it declares")
        let directory = TestPaths.golden.appendingPathComponent(identifier)
        if Self.record {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for file in files {
                try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
            }
        }
        let recorded = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(recorded == files.map(\.name).sorted(), "golden directory holds exactly the rendered files")
        for file in files {
            let golden = try String(contentsOf: directory.appendingPathComponent(file.name), encoding: .utf8)
            #expect(
                golden == file.contents,
                "\(identifier)/\(file.name) differs from its golden file; re-record with RPCGEN_RECORD=1 swift test --filter GoldenFileTests")
        }
    }

    @Test("rendering is deterministic: the same spec gives byte-identical files")
    func renderingIsDeterministic() throws {
        let first = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "openclaw-rpc.json")
        let second = try GeneratorPipeline.intermediate(specAt: TestPaths.spec, displayName: "openclaw-rpc.json")
        #expect(first == second)
        #expect(GeneratorPipeline.render(first, with: RendererRegistry.all) == GeneratorPipeline.render(second, with: RendererRegistry.all))
    }

    @Test("key order in the spec does not change the output")
    func keyOrderDoesNotMatter() throws {
        let text = try String(contentsOf: TestPaths.miniSpec, encoding: .utf8)
        let reordered = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let data = try JSONSerialization.data(withJSONObject: reordered, options: [.sortedKeys])
        let original = try GeneratorPipeline.intermediate(specData: Data(text.utf8), displayName: "mini-spec.json")
        let sorted = try GeneratorPipeline.intermediate(specData: data, displayName: "mini-spec.json")
        #expect(GeneratorPipeline.render(original, with: RendererRegistry.all) == GeneratorPipeline.render(sorted, with: RendererRegistry.all))
    }

    @Test("the build plugin declares every file the Swift renderers write")
    func pluginDeclaresRendererOutputs() throws {
        let plugin = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("Plugins/RPCGenPlugin/RPCGenPlugin.swift"), encoding: .utf8)
        for identifier in ["swift-types", "swift-dispatcher", "conformance-swift", "swift-client", "swift-mock"] {
            let renderer = try #require(RendererRegistry.renderer(named: identifier))
            let files = renderer.outputFileNames.map { "\"\($0)\"" }.joined(separator: ", ")
            #expect(plugin.contains("(\"\(identifier)\", [\(files)])"), "plugin entry for \(identifier) must list \(files)")
        }
    }
}

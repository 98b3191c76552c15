import Foundation
import Testing
@testable import rpcgen

/// The Swift client renderer: what it generates from a spec, and that a spec change reaches every
/// generated client (Swift, TypeScript, Python) and the Swift mock's examples.
@Suite struct SwiftClientRendererTests {
    static func render(_ renderer: any Renderer, specText: String) throws -> String {
        let ir = try GeneratorPipeline.intermediate(specData: Data(specText.utf8), displayName: "mini-spec.json")
        return renderer.render(ir).map(\.contents).joined(separator: "\n")
    }

    @Test func oneMethodPerRPCButConnectWithTheSpecSummaryAsItsDoc() throws {
        let text = try String(contentsOf: TestPaths.miniSpec, encoding: .utf8)
        let client = try Self.render(SwiftClientRenderer(), specText: text)
        #expect(client.contains("public func ping(_ params: PingParams = PingParams(), timeout: Duration? = nil) async throws -> PingResult"))
        #expect(client.contains("/// `ping`: Answer with the server time"))
        #expect(client.contains("public func notesPut(_ params: NotePutParams, timeout: Duration? = nil) async throws -> NotePutResult"))
        #expect(!client.contains("func connect("), "the runtime sends connect itself")
        #expect(client.contains("case noteChanged(NoteChangedEvent)") || client.contains("case noteChanged("))
    }

    @Test func everyGeneratedClientAndTheMockShareOneFingerprint() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.miniSpec, displayName: "mini-spec.json")
        let fingerprint = ClientFingerprint.of(ir)
        let swift = SwiftClientRenderer().render(ir).map(\.contents).joined()
        let typescript = TypeScriptRenderer().render(ir).map(\.contents).joined()
        let mock = SwiftMockExamplesRenderer().render(ir).map(\.contents).joined()
        let python = PythonRenderer().render(ir).map(\.contents).joined()
        #expect(swift.contains("public static let fingerprint = \"\(fingerprint)\""))
        #expect(python.contains("fingerprint=\"\(fingerprint)\""))
        #expect(typescript.contains("fingerprint: \"\(fingerprint)\""))
        #expect(mock.contains("fingerprint: \"\(fingerprint)\""))
    }

    static let clientRenderers: [any Renderer] = [SwiftClientRenderer(), TypeScriptRenderer(), PythonRenderer()]

    @Test func aChangedSummaryChangesEveryGeneratedClient() throws {
        let text = try String(contentsOf: TestPaths.miniSpec, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"summary\": \"Answer with the server time\"", with: "\"summary\": \"Answer with the time\"")
        #expect(changed != text)
        for renderer in Self.clientRenderers {
            let before = try Self.render(renderer, specText: text)
            let after = try Self.render(renderer, specText: changed)
            #expect(before != after, "\(renderer.identifier) follows the spec")
            #expect(after.contains("Answer with the time"), "\(renderer.identifier)")
        }
    }

    @Test func aNewParamsFieldReachesEveryGeneratedClientAndItsFingerprint() throws {
        let text = try String(contentsOf: TestPaths.miniSpec, encoding: .utf8)
        let field = #""properties": {\#n        "key": {\#n          "type": "string",\#n          "minLength": 1,\#n          "description": "Which note."\#n        },"#
        #expect(text.contains(field), "the mini spec's NotePutParams starts as this test expects")
        let changed = text.replacingOccurrences(
            of: field, with: field + #"\#n        "pinnedUntilMs": {"type": "integer", "minimum": 0, "description": "Keep the note pinned until then."},"#)
        let before = try GeneratorPipeline.intermediate(specData: Data(text.utf8), displayName: "mini-spec.json")
        let after = try GeneratorPipeline.intermediate(specData: Data(changed.utf8), displayName: "mini-spec.json")
        #expect(ClientFingerprint.of(before) != ClientFingerprint.of(after))
        // The Swift client's types are GeneratedProtocol's (swift-types); its methods and
        // constants are swift-client's.
        let clients: [(name: String, renderers: [any Renderer])] = [
            ("swift", [SwiftTypesRenderer(), SwiftClientRenderer()]), ("typescript", [TypeScriptRenderer()]), ("python", [PythonRenderer()]),
        ]
        for (name, renderers) in clients {
            let old = renderers.flatMap { $0.render(before) }.map(\.contents).joined(separator: "\n")
            let new = renderers.flatMap { $0.render(after) }.map(\.contents).joined(separator: "\n")
            #expect(!old.contains("pinnedUntilMs") && new.contains("pinnedUntilMs"), "the \(name) client renders the new field")
            #expect(new.contains(ClientFingerprint.of(after)), "the \(name) client carries the new fingerprint")
        }
    }
}

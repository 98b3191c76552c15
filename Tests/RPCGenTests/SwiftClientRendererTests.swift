import Foundation
import Testing
@testable import rpcgen

/// The Swift client renderer: what it generates from a spec, and that a spec change reaches both
/// generated clients (Swift and TypeScript) and the Swift mock's examples.
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

    @Test func theSwiftAndTypeScriptClientsAndTheMockShareOneFingerprint() throws {
        let ir = try GeneratorPipeline.intermediate(specAt: TestPaths.miniSpec, displayName: "mini-spec.json")
        let fingerprint = SwiftClientConstants.fingerprint(ir)
        let swift = SwiftClientRenderer().render(ir).map(\.contents).joined()
        let typescript = TypeScriptRenderer().render(ir).map(\.contents).joined()
        let mock = SwiftMockExamplesRenderer().render(ir).map(\.contents).joined()
        #expect(swift.contains("public static let fingerprint = \"\(fingerprint)\""))
        #expect(typescript.contains("fingerprint: \"\(fingerprint)\""))
        #expect(mock.contains("fingerprint: \"\(fingerprint)\""))
    }

    @Test func aSpecChangeChangesEveryGeneratedClient() throws {
        let text = try String(contentsOf: TestPaths.miniSpec, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"summary\": \"Answer with the server time\"", with: "\"summary\": \"Answer with the time\"")
        #expect(changed != text)
        for renderer in [SwiftClientRenderer(), TypeScriptRenderer()] as [any Renderer] {
            let before = try Self.render(renderer, specText: text)
            let after = try Self.render(renderer, specText: changed)
            #expect(before != after, "\(renderer.identifier) follows the spec")
            #expect(after.contains("Answer with the time"))
        }
    }
}

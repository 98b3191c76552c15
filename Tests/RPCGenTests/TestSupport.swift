import Foundation
@testable import rpcgen

/// Paths of the package and its fixtures, found from this file's location.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/RPCGenTests/Fixtures")
    static let miniSpec = fixtures.appendingPathComponent("mini-spec.json")
    static let golden = fixtures.appendingPathComponent("Golden")
    static let spec = packageRoot.appendingPathComponent("Spec/openclaw-rpc.json")
    static let protocolDocs = packageRoot.appendingPathComponent("docs/protocol.md")
}

/// Runs the pipeline on spec text and returns the diagnostics it reports (empty when it passes).
func diagnostics(forSpec text: String, file: String = "spec.json") -> [String] {
    do {
        _ = try GeneratorPipeline.intermediate(specData: Data(text.utf8), displayName: file)
        return []
    } catch let error as DiagnosticsError {
        return error.diagnostics.map(\.description)
    } catch {
        return ["unexpected error: \(error)"]
    }
}

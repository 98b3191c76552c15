import Foundation

/// parse → resolve → translate → render, each stage a pure function of the previous one's output.
enum GeneratorPipeline {
    /// Reads the spec and produces its IR; throws `DiagnosticsError` naming every problem.
    static func intermediate(specAt url: URL, displayName: String) throws -> IRSpec {
        let parsed = try SpecParser.parse(contentsOf: url, displayName: displayName)
        return SpecTranslator.translate(try SpecResolver.resolve(parsed))
    }

    /// The same from spec text (tests).
    static func intermediate(specData: Data, displayName: String) throws -> IRSpec {
        let parsed = try SpecParser.parse(specData, file: displayName)
        return SpecTranslator.translate(try SpecResolver.resolve(parsed))
    }

    /// Every file the given renderers produce, in renderer order.
    static func render(_ spec: IRSpec, with renderers: [any Renderer]) -> [RenderedFile] {
        renderers.flatMap { $0.render(spec) }
    }
}

/// Stage 4: one renderer per output. A renderer turns the IR into named files and never
/// reads the spec itself.
protocol Renderer: Sendable {
    /// The identifier passed to `--renderer`.
    var identifier: String { get }
    /// One line for `rpcgen --help`.
    var summary: String { get }
    /// The file names this renderer writes, known before rendering (build plugins declare them).
    var outputFileNames: [String] { get }

    func render(_ spec: IRSpec) -> [RenderedFile]
}

/// One output file's name and content.
struct RenderedFile: Equatable, Sendable {
    var name: String
    var contents: String
}

/// The renderers `rpcgen` knows; adding an output is adding one entry here.
enum RendererRegistry {
    static let all: [any Renderer] = [
        SwiftTypesRenderer(),
        SwiftDispatcherRenderer(),
        MarkdownRenderer(),
        ConformanceRenderer(),
        TypeScriptRenderer(),
        PythonRenderer(),
        SwiftClientRenderer(),
        SwiftMockExamplesRenderer(),
    ]

    static func renderer(named identifier: String) -> (any Renderer)? {
        all.first { $0.identifier == identifier }
    }
}

import Foundation

/// `rpcgen`: generates code and docs from the protocol spec.
@main
enum RPCGenCommand {
    static func main() {
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch let error as DiagnosticsError {
            printError(error.description)
            exit(1)
        } catch {
            printError("rpcgen: \(error)")
            exit(error is Arguments.UsageError ? 64 : 1)
        }
    }

    static func run(_ arguments: [String]) throws {
        switch try Arguments.parse(arguments) {
        case .help:
            print(Arguments.usage)
            print("\nrenderers:")
            for renderer in RendererRegistry.all { print("  \(renderer.identifier.padding(toLength: 18, withPad: " ", startingAt: 0))\(renderer.summary)") }
        case .validate(let spec):
            let ir = try GeneratorPipeline.intermediate(specAt: URL(fileURLWithPath: spec), displayName: spec)
            print("\(spec): ok (\(ir.methods.count) methods, \(ir.events.count) events, \(ir.schemas.count) definitions)")
        case .listOutputs(let names):
            for renderer in try renderers(names) { renderer.outputFileNames.forEach { print($0) } }
        case .generate(let spec, let output, let names, let check):
            let renderers = try renderers(names)
            let ir = try GeneratorPipeline.intermediate(specAt: URL(fileURLWithPath: spec), displayName: spec)
            let files = GeneratorPipeline.render(ir, with: renderers)
            let writer = OutputWriter(directory: URL(fileURLWithPath: output))
            if check {
                let stale = try writer.staleFiles(files)
                guard stale.isEmpty else {
                    for name in stale { printError("\(output)/\(name) is out of date with \(spec)") }
                    printError("re-render with: rpcgen generate --spec \(spec) --output \(output) " + names.map { "--renderer \($0)" }.joined(separator: " "))
                    exit(1)
                }
            } else {
                try writer.write(files)
            }
        }
    }

    private static func renderers(_ names: [String]) throws -> [any Renderer] {
        var renderers: [any Renderer] = []
        for name in names {
            guard let renderer = RendererRegistry.renderer(named: name) else {
                let known = RendererRegistry.all.map(\.identifier)
                let hint = NameSuggester.suggestion(for: name, among: known).map { " (did you mean \($0)?)" } ?? ""
                throw Arguments.UsageError(description: "unknown renderer '\(name)'\(hint); known: \(known.joined(separator: ", "))")
            }
            renderers.append(renderer)
        }
        return renderers
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

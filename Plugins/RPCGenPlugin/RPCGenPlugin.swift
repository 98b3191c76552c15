import PackagePlugin

/// Runs `rpcgen` on `Spec/openclaw-rpc.json` for the target it is applied to.
///
/// A build command (not a prebuild command) with the spec as its input, so SwiftPM reruns it
/// exactly when the spec changes. The spec lives outside the target, so it is named
/// explicitly rather than discovered. Which renderers run depends on the target: the protocol
/// types for `GeneratedProtocol`, the typed client for `KubeclawClient`, the example table for
/// `KubeclawMockGateway`, the conformance cases for `Conformance`.
@main
struct RPCGenPlugin: BuildToolPlugin {
    /// Renderer → the files it writes; must match `rpcgen list-outputs`.
    static let outputs: [(renderer: String, files: [String])] = [
        ("swift-types", ["Types.swift", "Schemas.swift", "Catalog.swift"]),
        ("swift-dispatcher", ["GatewayMethods.swift", "Dispatcher.swift"]),
    ]

    /// Targets that get other renderers than ``outputs``.
    static let outputsByTarget: [String: [(renderer: String, files: [String])]] = [
        "KubeclawClient": [
            ("swift-client", ["KubeclawClient+Methods.swift", "KubeclawEvent.swift", "KubeclawClientProtocol.swift"]),
        ],
        "KubeclawMockGateway": [
            ("swift-mock", ["MockExamples+Spec.swift"]),
        ],
        // The cases live with their runner, not in the protocol module every server links.
        "Conformance": [
            ("conformance-swift", ["ConformanceCases.swift"]),
        ],
    ]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let spec = context.package.directoryURL.appending(path: "Spec").appending(path: "openclaw-rpc.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedSources")
        let outputs = Self.outputsByTarget[target.name] ?? Self.outputs
        var arguments = ["generate", "--spec", spec.path(), "--output", output.path()]
        for (renderer, _) in outputs { arguments += ["--renderer", renderer] }
        return [
            .buildCommand(
                displayName: "rpcgen: generating \(target.name) from Spec/openclaw-rpc.json",
                executable: try context.tool(named: "rpcgen").url,
                arguments: arguments,
                inputFiles: [spec],
                outputFiles: outputs.flatMap(\.files).map { output.appending(path: $0) })
        ]
    }
}

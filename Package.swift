// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kubeclaw",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rpcgen", targets: ["rpcgen"]),
        .library(name: "GeneratedProtocol", targets: ["GeneratedProtocol"]),
        .plugin(name: "RPCGenPlugin", targets: ["RPCGenPlugin"]),
    ],
    targets: [
        // The generator: Foundation only, so anyone can vendor it.
        .executableTarget(
            name: "rpcgen",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "RPCGenPlugin",
            capability: .buildTool(),
            dependencies: ["rpcgen"]
        ),
        // Generated from Spec/openclaw-rpc.json on every build; no hand-written code.
        .target(
            name: "GeneratedProtocol",
            swiftSettings: swiftSettings,
            plugins: ["RPCGenPlugin"]
        ),
        .testTarget(
            name: "RPCGenTests",
            dependencies: ["rpcgen"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeneratedProtocolTests",
            dependencies: ["GeneratedProtocol"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

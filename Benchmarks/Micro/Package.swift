// swift-tools-version: 6.1
import PackageDescription

// The ordo-one/benchmark micro-benchmarks, a package of their own: its Benchmark module does
// `canImport(Runtime)` for the toolchain's Runtime module, and in the gateway's package that
// finds the gateway's own `Runtime` target instead and fails to build. Here only
// GeneratedProtocol is built.
//
//     cd Benchmarks/Micro && swift package benchmark
let package = Package(
    name: "kubeclaw-micro-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "kubeclaw", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Decode + validate + encode of `health` and of a chat delta event, time and allocations.
        .executableTarget(
            name: "ProtocolCodec",
            dependencies: [
                .product(name: "GeneratedProtocol", package: "kubeclaw"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ProtocolCodec",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kubeclaw",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kubeclaw", targets: ["kubeclaw"]),
        .executable(name: "rpcgen", targets: ["rpcgen"]),
        .executable(name: "ollama-sim", targets: ["ollama-sim"]),
        .library(name: "RPCRuntime", targets: ["RPCRuntime"]),
        .library(name: "GeneratedProtocol", targets: ["GeneratedProtocol"]),
        .library(name: "GatewayClient", targets: ["GatewayClient"]),
        .library(name: "KubeclawClient", targets: ["KubeclawClient"]),
        .library(name: "KubeclawMockGateway", targets: ["KubeclawMockGateway"]),
        .library(name: "Conformance", targets: ["Conformance"]),
        .plugin(name: "RPCGenPlugin", targets: ["RPCGenPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The load harness's percentiles (Benchmarks/Load/Harness).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // `kubeclaw serve`'s settings: flags > environment > config file (KubeclawConfiguration).
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
        // The shared store of replicas (PostgresStore; docs/replicas.md).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Its TLS settings (`sslmode`), already a dependency of postgres-nio.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
        // What generated code is written in: JSON values, nullable fields, the schema validator,
        // the typed error, event subscriptions, the conformance model. Spec-independent.
        .target(
            name: "RPCRuntime",
            swiftSettings: swiftSettings
        ),
        // Generated from Spec/openclaw-rpc.json on every build; no hand-written code.
        .target(
            name: "GeneratedProtocol",
            dependencies: ["RPCRuntime"],
            swiftSettings: swiftSettings,
            plugins: ["RPCGenPlugin"]
        ),
        // Transport: WebSocket + HTTP on SwiftNIO, handshake, limits, events, shutdown.
        .target(
            name: "Runtime",
            dependencies: [
                "Locking",
                "GeneratedProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The hand-written GatewayMethods: agents, sessions, config, store.
        .target(
            name: "GatewayImpl",
            dependencies: [
                "Locking",
                "GeneratedProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store replicas share: `SessionStore` on PostgreSQL (docs/replicas.md). Only the
        // `kubeclaw` binary and the tests link it, so the fuzz and sanitizer builds of the
        // server never compile postgres-nio.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Locking",
                "GatewayImpl",
                "GeneratedProtocol",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The lock every module uses: the standard `Mutex`, or a pthread-backed one of the same
        // shape in ThreadSanitizer builds (KUBECLAW_TSAN=1, below; docs/security.md).
        .target(name: "Locking", swiftSettings: swiftSettings),
        // A WebSocket client for the protocol: tests, the conformance runner, benchmarks, and the
        // runtime under the typed KubeclawClient (reconnects, seq gaps, cancel, device identity).
        .target(
            name: "GatewayClient",
            dependencies: [
                "Locking",
                "GeneratedProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The typed Swift client: the methods and events generated from the spec (swift-client)
        // over GatewayClient's ReconnectingClient.
        .target(
            name: "KubeclawClient",
            dependencies: ["GatewayClient", "GeneratedProtocol"],
            swiftSettings: swiftSettings,
            plugins: ["RPCGenPlugin"]
        ),
        // A mock gateway serving the spec's examples (swift-mock) over a loopback WebSocket, for
        // users' own tests.
        .target(
            name: "KubeclawMockGateway",
            dependencies: [
                "Locking",
                "GeneratedProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["RPCGenPlugin"]
        ),
        // The conformance runner: the generated cases, run against any gateway URL.
        .target(
            name: "Conformance",
            dependencies: [
                "Locking",
                "GatewayClient", "GeneratedProtocol",
                // The preflight's TCP probe.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            // The cases (`ConformanceSuite`), generated from the spec next to their runner.
            plugins: ["RPCGenPlugin"]
        ),
        // The gateway assembled from its parts, as `kubeclaw serve` runs it (and tests build it).
        .target(
            name: "KubeclawServer",
            dependencies: [
                "Locking",
                "Runtime",
                "GatewayImpl",
                "GeneratedProtocol",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kubeclaw",
            dependencies: [
                "Locking",
                "KubeclawServer",
                "Conformance",
                "Runtime",
                "GatewayImpl",
                "PostgresStore",
                "GeneratedProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A faithful Ollama simulator (library, so tests run it in-process) for tests, demos and benchmarks.
        .target(
            name: "OllamaSimulator",
            dependencies: [
                "Locking",
                // Only for its JSONValue: the simulator speaks Ollama's wire format, not OpenClaw's.
                "GeneratedProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ollama-sim",
            dependencies: [
                "OllamaSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks (not tests): numbers in docs/benchmarks.md, run in release.
        .executableTarget(
            name: "chat-latency",
            dependencies: [
                "KubeclawServer", "Runtime", "GatewayClient", "GeneratedProtocol", "OllamaSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/Load/ChatLatency",
            swiftSettings: swiftSettings
        ),
        // The load harness: starts the gateway and the echo floor as processes and drives them
        // over loopback with a thin NIO client (docs/benchmarks.md). Knows no gateway module.
        .executableTarget(
            name: "kubeclaw-bench",
            dependencies: [
                // `--replicas`: a PostgreSQL server of its own for the replicas to share.
                "ThrowawayPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Benchmarks/Load/Harness",
            swiftSettings: swiftSettings
        ),
        // The floor: a bare SwiftNIO WebSocket echo (and broadcast) server.
        .executableTarget(
            name: "bench-echo-server",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Benchmarks/Load/EchoServer",
            swiftSettings: swiftSettings
        ),
        // Linked into the test bundle: Swift Testing defaults for this suite on 2 cores — no
        // backtrace capture per thrown error, 8 tests at a time (Tests/SwiftTestingSettings/).
        .target(name: "SwiftTestingSettings", path: "Tests/SwiftTestingSettings"),
        // A PostgreSQL server of the tests' own: initdb in a temporary directory, loopback, a
        // free port, stopped when the test process ends (Tests/ThrowawayPostgres/).
        .target(name: "ThrowawayPostgres", path: "Tests/ThrowawayPostgres", swiftSettings: swiftSettings),
        .testTarget(
            name: "RPCGenTests",
            dependencies: ["rpcgen", "SwiftTestingSettings"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RPCRuntimeTests",
            dependencies: ["RPCRuntime", "SwiftTestingSettings"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeneratedProtocolTests",
            dependencies: ["GeneratedProtocol", "SwiftTestingSettings"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayImplTests",
            dependencies: [
                "GatewayImpl", "GeneratedProtocol", "OllamaSimulator", "SwiftTestingSettings",
                // The store suite runs against both backends.
                "PostgresStore", "ThrowawayPostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OllamaSimulatorTests",
            dependencies: [
                "OllamaSimulator",
                "GatewayImpl",
                "SwiftTestingSettings",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayClientTests",
            dependencies: [
                "GatewayClient", "SwiftTestingSettings",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "KubeclawServer", "Runtime", "GatewayImpl", "GatewayClient", "GeneratedProtocol", "OllamaSimulator",
                "SwiftTestingSettings",
                // Gateways on a shared PostgreSQL store (Replicas/).
                "ThrowawayPostgres",
                // The suite's case counts, for `kubeclaw conformance` against the real binary.
                "Conformance",
                // Built so the tests can run the real binaries (SIGTERM, start-up).
                "kubeclaw", "ollama-sim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Reads the database a killed gateway left behind (integrity, run states).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The typed Swift client against the real gateway (in-process, over loopback, with the
        // Ollama simulator) and against the mock gateway.
        .testTarget(
            name: "KubeclawClientTests",
            dependencies: [
                "KubeclawClient", "KubeclawMockGateway", "KubeclawServer", "Runtime", "GatewayImpl", "OllamaSimulator",
                "SwiftTestingSettings",
            ],
            swiftSettings: swiftSettings
        ),
        // The conformance suite against the in-process gateway, and proof it catches defects.
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "Conformance", "KubeclawServer", "GatewayImpl", "Runtime", "GatewayClient", "OllamaSimulator", "GeneratedProtocol",
                "SwiftTestingSettings",
                // Built so a test can run `kubeclaw conformance` as users do.
                "kubeclaw",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/Conformance",
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzzing (docs/security.md, scripts/fuzz-smoke.sh): libFuzzer targets, only when
// KUBECLAW_FUZZ is set, so the plain `swift build` never sees them. The script builds everything
// with ASan and libFuzzer's coverage instrumentation; only these two executables link libFuzzer
// (its `main`), so rpcgen and the plugin's copy of it still link and run as usual.
if Context.environment["KUBECLAW_FUZZ"] != nil {
    let fuzzerLinking: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]
    package.products += [
        .executable(name: "fuzz-frames", targets: ["fuzz-frames"]),
        .executable(name: "fuzz-spec", targets: ["fuzz-spec"]),
    ]
    package.targets += [
        // `LLVMFuzzerRunDriver`, started from each fuzzer's `main`.
        .target(name: "FuzzerDriver", path: "Fuzz/FuzzerDriver", swiftSettings: swiftSettings),
        // One inbound text message: decode, the connection's state machine, the handshake or
        // admission, then the real `Gateway` over a temporary SQLite store.
        .executableTarget(
            name: "fuzz-frames",
            dependencies: ["FuzzerDriver", "KubeclawServer", "Runtime", "GatewayImpl", "GeneratedProtocol"],
            path: "Fuzz/fuzz-frames",
            swiftSettings: swiftSettings,
            linkerSettings: fuzzerLinking
        ),
        // Arbitrary bytes as a spec: rpcgen's parse → resolve → translate. An executable target
        // cannot link another, so rpcgen's sources come in through the `rpcgen` symlink (not its CLI).
        .executableTarget(
            name: "fuzz-spec",
            dependencies: ["FuzzerDriver"],
            path: "Fuzz/fuzz-spec",
            exclude: ["rpcgen/CLI"],
            swiftSettings: swiftSettings,
            linkerSettings: fuzzerLinking
        ),
    ]
    // fuzz-frames drives internals of these (`@testable import`), in optimised builds too
    // (`-c release`: the long runs); no other module needs rebuilding for that.
    for target in package.targets where ["Runtime", "KubeclawServer"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enable-testing"])]
    }
}

// ThreadSanitizer builds (docs/security.md, "Sanitizers on the test suite"):
// `KUBECLAW_TSAN=1 swift build --sanitize=thread …` gives the Locking module its pthread-backed
// lock, which TSan sees (it does not see the standard `Mutex` on Linux). Only that module's
// flags change, so the sanitized dependencies are not rebuilt.
if Context.environment["KUBECLAW_TSAN"] != nil {
    for target in package.targets where target.name == "Locking" {
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("KUBECLAW_TSAN")]
    }
}

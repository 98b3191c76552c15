import Foundation
import Testing

/// The golden Swift files are real code: they must type-check under Swift 6 on their own.
@Suite struct GoldenSwiftCompilesTests {
    @Test("golden Swift output type-checks in Swift 6 language mode with no warnings")
    func goldenSwiftTypeChecks() async throws {
        let directories = ["swift-types", "swift-dispatcher", "conformance-swift"].map { TestPaths.golden.appendingPathComponent($0) }
        let files = try directories.flatMap { directory in
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                .filter { $0.hasSuffix(".swift") }.map { directory.appendingPathComponent($0).path }
        }
        try await Self.typecheck(files)
    }

    @Test("the golden swift-mock table type-checks with the mock's hand-written MockExamples")
    func goldenMockTableTypeChecks() async throws {
        try await Self.typecheck([
            TestPaths.packageRoot.appendingPathComponent("Sources/KubeclawMockGateway/MockExamples.swift").path,
            TestPaths.golden.appendingPathComponent("swift-mock/MockExamples+Spec.swift").path,
        ])
    }

    /// Type-checks `files` as one module that imports `RPCRuntime`, built here from
    /// `Sources/RPCRuntime` (so the runtime is checked on its own too: Foundation only).
    static func typecheck(_ files: [String]) async throws {
        let modules = FileManager.default.temporaryDirectory.appendingPathComponent("golden-runtime-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: modules) }
        try FileManager.default.createDirectory(at: modules, withIntermediateDirectories: true)
        let runtimeSources = try Self.swiftFiles(under: TestPaths.packageRoot.appendingPathComponent("Sources/RPCRuntime"))
        let runtime = try await Self.swiftc([
            "-emit-module", "-module-name", "RPCRuntime", "-parse-as-library", "-swift-version", "6", "-warnings-as-errors",
            "-emit-module-path", modules.appendingPathComponent("RPCRuntime.swiftmodule").path,
        ] + runtimeSources)
        #expect(runtime.status == 0, "swiftc -emit-module of RPCRuntime failed:\n\(runtime.output)")
        guard runtime.status == 0 else { return }
        let generated = try await Self.swiftc(["-typecheck", "-swift-version", "6", "-warnings-as-errors", "-I", modules.path] + files)
        #expect(generated.status == 0, "swiftc -typecheck failed:\n\(generated.output)")
    }

    private static func swiftFiles(under directory: URL) throws -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return walk.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    private static func swiftc(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc"] + arguments
        // Output goes to a file, read once swiftc ended: Foundation's reading of a pipe
        // (`readDataToEndOfFile`) traps when a signal interrupts the read.
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("golden-typecheck-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Polled, not waitUntilExit(): swiftc takes long on a loaded machine, and a blocked
        // thread of the cooperative pool (two on two cores) stalls every other test.
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try output.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outputURL), as: UTF8.self))
    }
}

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

    static func typecheck(_ files: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-warnings-as-errors"] + files
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
        let text = String(decoding: try Data(contentsOf: outputURL), as: UTF8.self)
        #expect(process.terminationStatus == 0, "swiftc -typecheck failed:\n\(text)")
    }
}

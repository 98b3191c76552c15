import Foundation

/// The executables SwiftPM built next to the test bundle (`kubeclaw`, `ollama-sim`: the test
/// target depends on both, so `swift build --build-tests` and `swift test` build them).
enum BuiltProducts {
    /// The path of executable `name`, from `KUBECLAW_BUILD_DIR` if set, else the directory of the
    /// test runner and its parents.
    static func path(of name: String) throws -> String {
        for directory in candidateDirectories() {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestFailure("""
            cannot find the '\(name)' executable next to the tests (looked in \(candidateDirectories().map(\.path))); \
            build it with `swift build --build-tests` or set KUBECLAW_BUILD_DIR to the build directory
            """)
    }

    private static func candidateDirectories() -> [URL] {
        var starts: [URL] = []
        if let override = ProcessInfo.processInfo.environment["KUBECLAW_BUILD_DIR"] {
            starts.append(URL(fileURLWithPath: override))
        }
        if let runner = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: runner).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(Bundle.main.bundleURL)
        if let executable = Bundle.main.executableURL { starts.append(executable.deletingLastPathComponent()) }
        // The runner may sit inside a bundle (`….xctest/Contents/MacOS`): walk up a few levels.
        var directories: [URL] = []
        for start in starts {
            var directory = start.standardizedFileURL
            for _ in 0..<4 {
                if !directories.contains(directory) { directories.append(directory) }
                directory = directory.deletingLastPathComponent()
            }
        }
        return directories
    }
}

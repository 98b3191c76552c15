import Foundation
import Testing

/// A data volume that is read-only when the gateway starts (a PersistentVolume mounted `ro` by
/// mistake, a filesystem the kernel remounted read-only after I/O errors): the gateway refuses
/// to start, naming the reason, instead of serving chats it could never save. (A volume cannot
/// be remounted read-only under a running gateway: Linux refuses while SQLite holds the file
/// open for writing.)
@Suite(.timeLimit(.minutes(5)), .enabled(if: TinyFilesystem.isAvailable, "mounting a tmpfs needs privileges"))
struct ReadOnlyVolumeTests {
    @Test("a read-only data volume at start: kubeclaw serve exits non-zero, logging 'attempt to write a readonly database'")
    func readOnlyAtStart() async throws {
        try await TinyFilesystem.with(kibibytes: 4096) { mount in
            let token = "ro-\(UUID().uuidString)"
            // A database written by an earlier run, then the volume turns read-only.
            let first = try await RunningGateway.start(directory: mount, token: token, arguments: ["--ollama-url", "http://127.0.0.1:9"])
            first.process.signal(SIGTERM)
            #expect(try await first.process.waitForExit(timeout: .seconds(15)) == 0)
            try TinyFilesystem.makeReadOnly(mount)

            var environment = ChildProcess.minimalEnvironment
            environment["OPENCLAW_GATEWAY_TOKEN"] = token
            let (status, output) = try await ChildProcess.run(
                try BuiltProducts.path(of: "kubeclaw"),
                ["serve", "--port", "0", "--http-port", "0", "--data-dir", mount + "/data", "--ollama-url", "http://127.0.0.1:9"],
                environment: environment)
            #expect(status != nil && status != 0, "exit status \(String(describing: status)); output: \(output)")
            #expect(output.contains("the gateway could not start"), "\(output)")
            #expect(output.contains("attempt to write a readonly database"), "\(output)")
            #expect(!output.contains(mount + "/data/"), "the database's directory is not in the error: \(output)")
        }
    }
}

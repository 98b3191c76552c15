import Foundation

/// A small tmpfs mounted for one test, to run out of space for real (`ENOSPC` from the
/// kernel, as SQLite and the disk probe see it on a full volume). Needs mount privileges
/// (root with CAP_SYS_ADMIN, as in the project's CI container); tests that use it are skipped
/// where mounting is not allowed.
enum TinyFilesystem {
    /// Whether this process may mount a tmpfs (tried once, on a scratch directory).
    static let isAvailable: Bool = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-mount-probe-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "kubeclaw-test", directory]) == 0 else { return false }
        _ = run("/bin/umount", [directory])
        return true
    }()

    /// Runs `body` with the path of a fresh tmpfs of `kibibytes`, unmounted afterwards.
    static func with<T>(kibibytes: Int, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-tinyfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kibibytes)k", "kubeclaw-test", directory]) == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw TestFailure("cannot mount a tmpfs on \(directory)")
        }
        defer {
            // Lazy: a file the gateway still holds open must not keep the mount alive.
            _ = run("/bin/umount", ["-l", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        return try await body(directory)
    }

    /// Remounts the tmpfs at `mount` read-only (fails while a file on it is open for writing).
    static func makeReadOnly(_ mount: String) throws {
        guard run("/bin/mount", ["-o", "remount,ro", mount]) == 0 else { throw TestFailure("cannot remount \(mount) read-only") }
    }

    /// Writes `path` until the filesystem is full (at most `limit` bytes); the bytes written.
    @discardableResult
    static func fill(_ path: String, limit: Int = 64 << 20) throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TestFailure("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5a, count: 4096)
        var total = 0
        while total < limit {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == ENOSPC else { throw TestFailure("writing \(path): \(String(cString: strerror(errno)))") }
                return total
            }
            if written == 0 { return total }
            total += written
        }
        throw TestFailure("\(path): not full after \(limit) bytes")
    }

    private static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

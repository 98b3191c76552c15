import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the data directory still takes writes: creates a small file there, writes and
/// fsyncs it, and removes it. A full disk (`ENOSPC`), a volume remounted read-only (`EROFS`)
/// or lost permissions fail it, so `/readyz` turns false with the reason before chats start
/// failing to save (SQLite only notices at its next write, and its reads keep working).
///
/// Cheap enough for every readiness probe: the result is reused for ``interval``, and the file
/// I/O runs on a dispatch queue, never on the concurrency pool (a hung volume must not stall it).
public actor DiskWriteProbe {
    /// The outcome of one probe.
    public struct Outcome: Sendable, Equatable {
        public var isWritable: Bool
        /// Why not, e.g. `data directory not writable: Read-only file system`.
        public var detail: String?

        public init(isWritable: Bool, detail: String?) {
            self.isWritable = isWritable
            self.detail = detail
        }
    }

    /// The file created and removed inside the directory.
    public static let fileName = ".kubeclaw-write-probe"

    public nonisolated let directory: String
    public nonisolated let interval: Duration
    private var last: (outcome: Outcome, at: ContinuousClock.Instant)?

    /// - Parameters:
    ///   - directory: the data directory (where the session database lives).
    ///   - interval: how long a result is reused; `.zero` probes on every call (tests).
    public init(directory: String, interval: Duration = .seconds(5)) {
        self.directory = directory.isEmpty ? "." : directory
        self.interval = interval
    }

    /// The latest outcome, probing again when it is older than ``interval``.
    public func check() async -> Outcome {
        if let last, ContinuousClock.now - last.at < interval { return last.outcome }
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let outcome = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Self.probe(path: path))
            }
        }
        last = (outcome, .now)
        return outcome
    }

    private static func probe(path: String) -> Outcome {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return failure("cannot create a file", errno) }
        let payload = Array("kubeclaw write probe \(Date().timeIntervalSince1970)\n".utf8)
        let written = payload.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let writeError = errno
        let synced = written == payload.count ? fsync(descriptor) : -1
        let syncError = errno
        close(descriptor)
        unlink(path)
        if written != payload.count { return failure("cannot write", written < 0 ? writeError : ENOSPC) }
        if synced != 0 { return failure("cannot fsync", syncError) }
        return Outcome(isWritable: true, detail: nil)
    }

    private static func failure(_ what: String, _ code: Int32) -> Outcome {
        Outcome(isWritable: false, detail: "data directory not writable (\(what): \(String(cString: strerror(code))))")
    }
}

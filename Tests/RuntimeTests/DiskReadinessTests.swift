import Foundation
import GatewayClient
import GatewayImpl
import GeneratedProtocol
import Testing

/// `/readyz` turns false when the data directory stops taking writes (a full disk, a volume
/// remounted read-only), so Kubernetes stops sending traffic before chats fail to save, and
/// comes back once writes work again.
///
/// How the test makes the directory refuse writes: tests may run as root, which ignores
/// `chmod`, and mounting a full or read-only filesystem needs privileges. So it puts a
/// directory where the probe creates its file (`.kubeclaw-write-probe`): creating that file
/// then fails (`EISDIR`) for root too — the same outcome, for the probe, as `EROFS` on a
/// read-only volume or `ENOSPC` on a full one.
@Suite(.timeLimit(.minutes(5)))
struct DiskReadinessTests {
    @Test("/readyz is 503 with a disk check naming the reason while the data directory takes no writes, 200 again after")
    func readinessFollowsTheDataDirectory() async throws {
        try await withGateway(assemble: { $0.diskProbeInterval = .zero }) { gateway in
            let ready = try await gateway.http("/readyz")
            #expect(ready.status == 200, "\(ready.body)")
            #expect(try Self.diskCheck(ready.body)?["ok"] == true)

            let blocker = gateway.dataDirectory + "/" + DiskWriteProbe.fileName
            try FileManager.default.createDirectory(atPath: blocker + "/inside", withIntermediateDirectories: true)
            let refused = try await gateway.http("/readyz")
            #expect(refused.status == 503, "\(refused.body)")
            let check = try #require(try Self.diskCheck(refused.body))
            #expect(check["ok"] == false)
            #expect(check["detail"]?.stringValue?.contains("data directory not writable") == true, "\(check)")
            // Liveness is not readiness: restarting would not fix the disk.
            #expect(try await gateway.http("/healthz").status == 200)
            // Clients already connected carry on.
            let session = try await gateway.connect()
            #expect(try await session.request("health").ok)
            await session.close()

            try FileManager.default.removeItem(atPath: blocker)
            let again = try await gateway.http("/readyz")
            #expect(again.status == 200, "\(again.body)")
        }
    }

    @Test("the probe reports the system's reason and leaves no file behind")
    func probeOutcome() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let probe = DiskWriteProbe(directory: directory, interval: .zero)
        #expect(await probe.check() == .init(isWritable: true, detail: nil))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)

        let missing = DiskWriteProbe(directory: directory + "/gone", interval: .zero)
        let outcome = await missing.check()
        #expect(!outcome.isWritable)
        #expect(outcome.detail?.contains("No such file or directory") == true, "\(outcome)")
    }

    private static func diskCheck(_ body: String) throws -> JSONValue? {
        try JSONValue.parse(Data(body.utf8))["checks"]?.arrayValue?.first { $0["name"] == "disk" }
    }
}

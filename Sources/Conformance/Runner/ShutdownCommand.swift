import Foundation

/// The command that stops the gateway under test (`--shutdown-command`), run through `/bin/sh -c`
/// by the `shutdown` event's case, after every other case: the suite cannot stop a gateway
/// by itself (`kill -TERM 1234`, `kubectl delete pod …`, `systemctl stop …`).
struct ShutdownCommand {
    let command: String

    init(_ command: String) {
        self.command = command
    }

    /// Runs the command and waits (at most `timeout`) for it to exit. A command that cannot
    /// start, fails or hangs skips the case: the gateway was not shown to stop.
    func run(timeout: Duration) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationStatus)
            exited.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw CaseVerdict.skip("the shutdown command could not start: \(error)")
        }
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await exited.stream.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let status else {
            process.terminate()
            throw CaseVerdict.skip("the shutdown command did not exit within \(timeout.text)")
        }
        guard status == 0 else {
            throw CaseVerdict.skip("the shutdown command exited with status \(status)")
        }
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol
import Synchronization

/// Records every frame a session receives (consuming its single `frames` stream in the
/// background) so a test can wait for the one it needs, and for the connection's end.
final class FrameRecorder: Sendable {
    private final class Storage: Sendable {
        let state = Mutex<(frames: [ReceivedFrame], ended: Bool)>(([], false))
    }

    let session: GatewaySession
    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ session: GatewaySession) {
        self.session = session
        let storage = self.storage
        task = Task {
            for await frame in session.frames { storage.state.withLock { $0.frames.append(frame) } }
            storage.state.withLock { $0.ended = true }
        }
    }

    deinit { task.cancel() }

    var frames: [ReceivedFrame] { storage.state.withLock { $0.frames } }
    var events: [ReceivedEvent] {
        frames.compactMap { frame in
            guard let event = frame.event, let json = frame.json else { return nil }
            return ReceivedEvent(frame: event, raw: frame.raw, json: json, index: frame.index, receivedAt: frame.receivedAt)
        }
    }
    var hasEnded: Bool { storage.state.withLock { $0.ended } }

    /// The first recorded frame (from `startIndex` on) matching `predicate`, waiting up to `timeout`
    /// (the defaults are generous: they only cost time when the test fails, and a loaded machine
    /// can take seconds).
    func waitFor(
        _ what: String, from startIndex: Int = 0, timeout: Duration = .seconds(30), _ predicate: (ReceivedFrame) -> Bool
    ) async throws -> ReceivedFrame {
        let deadline = ContinuousClock.now + timeout
        while true {
            // One snapshot: read separately, the frame could arrive together with the end
            // between the two reads and be reported missing.
            let (frames, ended) = storage.state.withLock { ($0.frames, $0.ended) }
            if let frame = frames.first(where: { $0.index >= startIndex && predicate($0) }) { return frame }
            if ended { throw TestFailure("connection ended before \(what) (close \(String(describing: session.closeCode)))") }
            guard ContinuousClock.now < deadline else { throw TestFailure("no \(what) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The first event named `name` matching `predicate`.
    func event(_ name: String, from startIndex: Int = 0, timeout: Duration = .seconds(30), where predicate: (JSONValue) -> Bool = { _ in true }) async throws -> ReceivedFrame {
        try await waitFor("event \(name)", from: startIndex, timeout: timeout) { frame in
            frame.event?.event == name && predicate(frame.json?["payload"] ?? .null)
        }
    }

    /// Waits until the server closed the connection; its close code.
    func closeCode(timeout: Duration = .seconds(30)) async throws -> UInt16? {
        let deadline = ContinuousClock.now + timeout
        while !hasEnded {
            guard ContinuousClock.now < deadline else { throw TestFailure("the connection was not closed within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return session.closeCode
    }
}

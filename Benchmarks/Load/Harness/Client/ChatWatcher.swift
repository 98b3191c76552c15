import Foundation
import NIOCore

/// Watches `chat` events on one connection. For every delta it records the time from the
/// simulator's write of the newest piece it carries (the piece's `t<ns>` stamp, realtime clock)
/// to this read: the latency a watcher sees, coalescing included only when the delta was held
/// for the flush timer. It counts every frame after ``begin()`` and the runs that ended.
final class ChatWatcher: ConnectionBehaviour {
    struct Result: Sendable {
        var latencies = LatencyRecorder()
        var frames = 0
        var deltas = 0
        var finals = 0
        var failedRuns = 0
        var refusedSends = 0
        var firstProblem: String?
        /// Monotonic nanoseconds of the first and last frame counted.
        var firstFrameAt: UInt64 = .max
        var lastFrameAt: UInt64 = 0

        mutating func merge(_ other: Result) {
            latencies.merge(other.latencies)
            frames += other.frames
            deltas += other.deltas
            finals += other.finals
            failedRuns += other.failedRuns
            refusedSends += other.refusedSends
            firstProblem = firstProblem ?? other.firstProblem
            firstFrameAt = min(firstFrameAt, other.firstFrameAt)
            lastFrameAt = max(lastFrameAt, other.lastFrameAt)
        }
    }

    private(set) var result = Result()
    private var counting = false

    func opened(_ connection: BenchConnection) {}

    /// Counts from now on.
    func begin() {
        counting = true
    }

    func received(_ message: ByteBuffer, on connection: BenchConnection) {
        guard counting else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        result.frames += 1
        result.firstFrameAt = min(result.firstFrameAt, now)
        result.lastFrameAt = now
        guard FrameScan.contains(message, FrameScan.chatEvent) else {
            // A refused chat.send: its answer has "ok":false.
            if FrameScan.contains(message, FrameScan.notOK) {
                result.refusedSends += 1
                if result.firstProblem == nil { result.firstProblem = String(buffer: message).prefix(240).description }
            }
            return
        }
        guard let state = FrameScan.stringValue(after: FrameScan.stateKey, in: message) else { return }
        switch state.readableBytesView.first {
        case UInt8(ascii: "d"):  // delta
            result.deltas += 1
            if let text = FrameScan.stringValue(after: FrameScan.deltaTextKey, in: message),
                let stamp = FrameScan.newestStamp(in: text)
            {
                result.latencies.record(nanoseconds: Self.realtimeNow() - stamp.newest)
            }
        case UInt8(ascii: "f"):  // final
            result.finals += 1
        default:  // error, aborted
            result.failedRuns += 1
            if result.firstProblem == nil { result.firstProblem = String(buffer: message).prefix(240).description }
        }
    }

    /// Now on the simulator's clock (`CLOCK_REALTIME`, nanoseconds since the Unix epoch).
    static func realtimeNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

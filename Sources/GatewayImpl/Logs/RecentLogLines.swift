import Foundation
import Locking

/// The gateway's most recent log lines, in memory, already redacted (`logs.tail`).
///
/// Kubeclaw logs to standard error (collected by the container runtime), so there is no file to
/// tail; this keeps the last `maxLines` lines (at most `maxBytes`), dropping the oldest. A
/// cursor counts the bytes logged since the gateway started, so a client can ask for what came
/// after its last read and learn (`reset`) when some of it was dropped meanwhile.
public final class RecentLogLines: Sendable {
    /// One page of lines.
    public struct Tail: Sendable, Equatable {
        public var lines: [String]
        /// Pass it back to read on from here.
        public var cursor: Int
        /// Bytes logged since start.
        public var size: Int
        /// More lines were there than returned (the oldest of them were left out).
        public var truncated: Bool
        /// The cursor asked for pointed at lines no longer kept (or beyond the end).
        public var reset: Bool
    }

    private struct Line {
        var text: String
        /// Cursor just after this line.
        var end: Int
    }

    private struct State {
        var lines: [Line] = []
        /// Index of the oldest kept line in `lines` (a ring compacted now and then).
        var head = 0
        var keptBytes = 0
        var total = 0
    }

    public let maxLines: Int
    public let maxBytes: Int
    private let state = Locked(State())

    public init(maxLines: Int = 2000, maxBytes: Int = 1 << 20) {
        self.maxLines = max(1, maxLines)
        self.maxBytes = max(1, maxBytes)
    }

    /// The lines of the running process (what `kubeclaw serve` installs its log handler with).
    public static let process = RecentLogLines()

    /// Adds a line (redacted first), dropping the oldest beyond the limits.
    public func append(_ raw: String) {
        let text = LogRedaction.redact(raw)
        let size = text.utf8.count + 1
        state.withLock { state in
            state.total += size
            state.lines.append(Line(text: text, end: state.total))
            state.keptBytes += size
            while state.lines.count - state.head > maxLines || (state.keptBytes > maxBytes && state.lines.count - state.head > 1) {
                state.keptBytes -= state.lines[state.head].text.utf8.count + 1
                state.head += 1
            }
            if state.head > maxLines {
                state.lines.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// The lines after `cursor` (all kept lines without one), at most `limit` lines and
    /// `maxBytes` bytes, newest kept when cut.
    public func tail(after cursor: Int?, limit: Int, maxBytes: Int) -> Tail {
        state.withLock { state in
            let kept = state.lines[state.head...]
            let oldestStart = kept.first.map { $0.end - $0.text.utf8.count - 1 } ?? state.total
            var reset = false
            var candidates = Array(kept)
            if let cursor {
                if cursor < oldestStart || cursor > state.total {
                    reset = true
                } else {
                    candidates = candidates.filter { $0.end > cursor }
                }
            }
            var picked: [String] = []
            var bytes = 0
            for line in candidates.reversed() {
                let size = line.text.utf8.count + 1
                guard picked.count < max(1, limit), bytes + size <= max(1, maxBytes) || picked.isEmpty else { break }
                picked.append(line.text)
                bytes += size
            }
            return Tail(
                lines: picked.reversed(), cursor: state.total, size: state.total, truncated: picked.count < candidates.count,
                reset: reset)
        }
    }
}

import Synchronization

/// Collects the deltas a chat hands to `onDelta`, and lets a test wait for the n-th one.
final class DeltaLog: Sendable {
    private let deltas = Mutex<[String]>([])
    private let arrivals: AsyncStream<Int>.Continuation
    let counts: AsyncStream<Int>

    init() {
        (counts, arrivals) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .unbounded)
    }

    func append(_ delta: String) {
        let count = deltas.withLock { deltas in
            deltas.append(delta)
            return deltas.count
        }
        arrivals.yield(count)
    }

    var all: [String] {
        deltas.withLock { $0 }
    }

    /// Returns once `count` deltas have arrived, or when the stream of arrivals is cancelled.
    func waitFor(_ count: Int) async {
        for await seen in counts where seen >= count {
            return
        }
    }
}

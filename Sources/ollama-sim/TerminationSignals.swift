import Dispatch
import Foundation

/// SIGINT and SIGTERM as an awaitable event, so shutdown is a cancellation of the server
/// task rather than an exit from inside a signal handler.
///
/// Unchecked: the dispatch sources are set up in `init`, never touched again, and only kept
/// so they live as long as this object; the stream is Sendable.
final class TerminationSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        self.stream = stream
        let queue = DispatchQueue(label: "ollama-sim.signals")
        self.sources = [SIGINT, SIGTERM].map { number in
            // The default action would end the process before the server closes its connections.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// The next signal received; returns at once with 0 if the waiting task is cancelled.
    func next() async -> Int32 {
        for await number in stream {
            return number
        }
        return 0
    }
}

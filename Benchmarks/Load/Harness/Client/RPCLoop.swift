import NIOCore

/// `health` round trips on one connection, one at a time (closed loop), or paced at one per
/// `interval`. Answers that arrive in the measuring window are recorded; an answer with
/// `"ok":false` counts as an error, not a round trip.
final class RPCLoop: ConnectionBehaviour {
    struct Result: Sendable {
        var latencies = LatencyRecorder()
        var completed = 0
        var errors = 0
        var firstError: String?

        mutating func merge(_ other: Result) {
            latencies.merge(other.latencies)
            completed += other.completed
            errors += other.errors
            firstError = firstError ?? other.firstError
        }
    }

    private(set) var result = Result()
    private let interval: TimeAmount?
    private var sequence = 0
    private var expected: [UInt8] = []
    private var sentAt = NIODeadline.now()
    private var recordFrom = NIODeadline.distantFuture
    private var until = NIODeadline.distantPast
    private var awaiting = false

    init(interval: TimeAmount? = nil) {
        self.interval = interval
    }

    func opened(_ connection: BenchConnection) {}

    /// Starts the loop: answers from `recordFrom` on are counted; no request is sent after `until`.
    func begin(on connection: BenchConnection, recordFrom: NIODeadline, until: NIODeadline) {
        self.recordFrom = recordFrom
        self.until = until
        if !awaiting { sendNext(on: connection) }
    }

    /// Stops sending; an answer still on its way is not counted.
    func end() {
        until = .distantPast
    }

    func received(_ message: ByteBuffer, on connection: BenchConnection) {
        guard awaiting, FrameScan.contains(message, expected) else { return }
        awaiting = false
        let now = NIODeadline.now()
        if sentAt >= recordFrom, now <= until {
            if FrameScan.contains(message, FrameScan.notOK) {
                result.errors += 1
                if result.firstError == nil { result.firstError = String(buffer: message).prefix(240).description }
            } else {
                result.completed += 1
                result.latencies.record(nanoseconds: (now - sentAt).nanoseconds)
            }
        }
        guard now < until else { return }
        if let interval {
            let next = sentAt + interval
            connection.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [weak self, weak connection] in
                guard let self, let connection, connection.isOpen, NIODeadline.now() < self.until else { return }
                self.sendNext(on: connection)
            }
        } else {
            sendNext(on: connection)
        }
    }

    private func sendNext(on connection: BenchConnection) {
        sequence += 1
        let id = "r\(sequence)"
        expected = Array(#""id":"\#(id)""#.utf8)
        sentAt = .now()
        awaiting = true
        connection.send(Requests.health(id: id))
    }
}

import NIOCore

/// The floor's stand-in for a model behind a gateway: on the echo server's broadcast path it
/// sends stamped messages (`{"event":"chat","state":"delta","deltaText":"t<ns> "…}` padded to
/// a gateway frame's size), either paced at a rate or flat out with a bounded number in flight
/// (it is a member of the group, so its own copies tell it what has gone through).
final class RelayPublisher: ConnectionBehaviour {
    private let padding: String
    private var inFlight = 0
    private let window: Int
    private var running = false
    private var until = NIODeadline.distantPast
    private(set) var sent = 0

    init(payloadBytes: Int, window: Int = 64) {
        padding = String(repeating: "x", count: max(0, payloadBytes - 120))
        self.window = window
    }

    func opened(_ connection: BenchConnection) {}

    /// Flat out until `until`, at most `window` messages in flight.
    func flood(on connection: BenchConnection, until: NIODeadline) {
        self.until = until
        running = true
        while inFlight < window { publish(on: connection) }
    }

    /// `perTick` messages every `tick` until `until`.
    func pace(on connection: BenchConnection, perTick: Int, tick: TimeAmount, until: NIODeadline) {
        self.until = until
        paceTick(on: connection, perTick: perTick, tick: tick, at: .now())
    }

    private func paceTick(on connection: BenchConnection, perTick: Int, tick: TimeAmount, at deadline: NIODeadline) {
        connection.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self, weak connection] in
            guard let self, let connection, connection.isOpen, NIODeadline.now() < self.until else { return }
            for _ in 0..<perTick { self.publish(on: connection) }
            self.paceTick(on: connection, perTick: perTick, tick: tick, at: deadline + tick)
        }
    }

    func received(_ message: ByteBuffer, on connection: BenchConnection) {
        guard running else { return }
        inFlight -= 1
        if NIODeadline.now() < until {
            while inFlight < window { publish(on: connection) }
        } else {
            running = false
        }
    }

    private func publish(on connection: BenchConnection) {
        inFlight += 1
        sent += 1
        connection.send(ByteBuffer(string: #"{"type":"event","event":"chat","payload":{"state":"delta","deltaText":"t\#(ChatWatcher.realtimeNow()) ","pad":"\#(padding)"}}"#))
    }
}

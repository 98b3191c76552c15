import NIOCore

/// The floor of `stream` and `fanout`: the echo server's broadcast group relays stamped messages
/// from one publisher to the watchers, who measure write → read exactly as they do for the
/// gateway's chat deltas.
struct RelayFloor: Sendable {
    let watchers: Int
    /// Messages per second (nil: flat out, 64 in flight).
    let rate: Double?
    let seconds: Double
    /// Size of each message, like the gateway's delta events.
    let payloadBytes: Int

    func run(on floor: RunningSystem, in environment: BenchEnvironment) async throws -> ChatLoad.Outcome {
        let connections = try await environment.open(watchers, to: floor, concurrency: 100) { _ in ChatWatcher() }
        let publisher = try await environment.open(1, to: floor) { [payloadBytes] _ in RelayPublisher(payloadBytes: payloadBytes) }[0]
        for connection in connections {
            connection.run { ($0.behaviour as? ChatWatcher)?.begin() }
        }
        let until = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
        if let rate {
            // Ticks of 1 ms, as many messages per tick as the rate needs (at least one).
            let perTick = max(1, Int((rate / 1000).rounded()))
            let tick = TimeAmount.nanoseconds(Int64(1e9 * Double(perTick) / rate))
            publisher.run { ($0.behaviour as? RelayPublisher)?.pace(on: $0, perTick: perTick, tick: tick, until: until) }
        } else {
            publisher.run { ($0.behaviour as? RelayPublisher)?.flood(on: $0, until: until) }
        }
        try await Task.sleep(for: .seconds(seconds) + .milliseconds(500))
        var outcome = ChatLoad.Outcome()
        for connection in connections {
            outcome.watched.merge(try await connection.read { ($0.behaviour as? ChatWatcher)?.result ?? ChatWatcher.Result() })
        }
        await BenchEnvironment.close(connections + [publisher])
        return outcome
    }
}

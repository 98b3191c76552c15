import NIOCore
import Locking

/// Bounds the TCP connect and the HTTP upgrade together. When it fires it closes the channel,
/// which fails whatever the handshake waits for; it remembers that it fired so the caller reports
/// ``WebSocketConnectionError/timedOut`` instead of that secondary failure.
final class HandshakeDeadline: Sendable {
    private struct State {
        var timer: Scheduled<Void>?
        var fired = false
        var disarmed = false
    }

    private let state = Locked(State())

    /// Starts the clock for `channel`; called from the channel initializer, before connecting.
    func arm(_ channel: any Channel, after amount: TimeAmount) {
        let timer = channel.eventLoop.scheduleTask(in: amount) { [self] in
            let fire = state.withLock { state -> Bool in
                guard !state.disarmed else { return false }
                state.fired = true
                return true
            }
            if fire { channel.close(promise: nil) }
        }
        let alreadyDisarmed = state.withLock { state -> Bool in
            state.timer = timer
            return state.disarmed
        }
        if alreadyDisarmed { timer.cancel() }
    }

    /// Stops the clock: the handshake finished (either way) in time.
    func disarm() {
        state.withLock { state in
            state.disarmed = true
            return state.timer
        }?.cancel()
    }

    /// Whether the deadline passed and closed the channel.
    var fired: Bool { state.withLock { $0.fired } }
}

/// Decides when a streaming run sends a `delta` event, so a fast model does not flood slow
/// clients: the first token goes out at once, then at most one delta per `interval` per run,
/// each carrying the whole text so far (OpenClaw's cumulative `message`) and what is new since
/// the previous delta (`deltaText`). Whatever is pending is flushed before the final event.
struct DeltaCoalescer: Sendable {
    let interval: Duration
    private(set) var text = ""
    private var sentLength = 0
    private var lastSent: ContinuousClock.Instant?

    init(interval: Duration = .milliseconds(150)) {
        self.interval = interval
    }

    /// Adds a token; returns (full text, increment) when a delta should go out now.
    mutating func append(_ token: String, at now: ContinuousClock.Instant) -> (text: String, delta: String)? {
        text += token
        guard lastSent.map({ now - $0 >= interval }) ?? true else { return nil }
        return take(at: now)
    }

    /// The pending text, if any, when the interval has passed (the flush ticker's call).
    mutating func flushIfDue(at now: ContinuousClock.Instant) -> (text: String, delta: String)? {
        guard hasPending, lastSent.map({ now - $0 >= interval }) ?? true else { return nil }
        return take(at: now)
    }

    /// Everything not yet sent, regardless of time (before the final event).
    mutating func flush(at now: ContinuousClock.Instant) -> (text: String, delta: String)? {
        hasPending ? take(at: now) : nil
    }

    var hasPending: Bool { text.utf8.count > sentLength }

    private mutating func take(at now: ContinuousClock.Instant) -> (text: String, delta: String) {
        let utf8 = Array(text.utf8)
        let delta = String(decoding: utf8[sentLength...], as: UTF8.self)
        sentLength = utf8.count
        lastSent = now
        return (text, delta)
    }
}

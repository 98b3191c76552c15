/// Watches the `seq` of one connection's events: each must be the previous one plus one.
/// A fresh detector per connection (a new connection starts its own numbering).
public struct SequenceGapDetector: Sendable, Equatable {
    private var last: Int?

    public init() {}

    /// Records `seq` (nil for events without one) and returns the gap it reveals, if any.
    public mutating func record(_ seq: Int?) -> (expected: Int, received: Int)? {
        guard let seq else { return nil }
        defer { last = seq }
        guard let last, seq > last + 1 else { return nil }
        return (last + 1, seq)
    }
}

/// Clamps for integers that come from clients, applied before any arithmetic on them.
///
/// The spec bounds every client integer (`maximum`, checked by `ClientNumberBoundsTests`), so the
/// dispatcher refuses out-of-range values with `INVALID_REQUEST` before a handler runs. Handlers
/// still clamp: arithmetic on a client's number must not be able to trap even when a value reaches
/// them another way (a future transport, a relaxed bound, a direct call).
enum ClientNumber {
    /// The bound the spec gives counts and durations: 2³¹ − 1.
    static let int32Max = Int(Int32.max)

    /// `value` forced into `range`.
    static func clamped(_ value: Int, to range: ClosedRange<Int>) -> Int {
        min(max(value, range.lowerBound), range.upperBound)
    }
}

import Foundation

/// The write times the simulator put into a reply in timestamps mode: each piece is
/// `t<Unix nanoseconds> `, so any text made of pieces parses back into their stamps.
enum PieceStamps {
    /// The stamps in `text`, in order; pieces that are not stamps are skipped.
    static func parse(_ text: String) -> [Int64] {
        text.split(separator: " ").compactMap { piece in
            piece.first == "t" ? Int64(piece.dropFirst()) : nil
        }
    }

    /// Now on the simulator's clock (`CLOCK_REALTIME`, nanoseconds since the Unix epoch).
    static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// The write times the simulator put into a reply in timestamps mode: each piece is
/// `t<Unix nanoseconds> `, so any text made of pieces parses back into their stamps.
enum PieceStamps {
    /// The stamps in `text`, in order; pieces that are not stamps are skipped.
    static func parse(_ text: String) -> [Int64] {
        text.split(separator: " ").compactMap { piece in
            piece.first == "t" ? Int64(piece.dropFirst()) : nil
        }
    }
}

/// The text of a reply as it streams in, bounded: appending past `limit` UTF-8 bytes throws
/// ``ModelBackendError/replyTooLarge(limit:)``, so an upstream that never stops cannot grow
/// memory without end.
struct ReplyText: Sendable {
    let limit: Int
    private(set) var text = ""
    private var bytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    mutating func append(_ piece: String) throws(ModelBackendError) {
        bytes += piece.utf8.count
        guard bytes <= limit else { throw .replyTooLarge(limit: limit) }
        text += piece
    }
}

/// What a waiter in a session's ``ReplyTable`` waits for.
enum ReplyKey: Hashable, Sendable {
    /// The server's first frame, whatever it is (`connect.challenge` from a correct server).
    case firstFrame
    /// The response to the request with this id.
    case response(id: String)
}

import NIOCore
import NIOHTTP1

/// One request as the reader assembled it from the HTTP parts.
enum IncomingRequest: Sendable {
    /// A request with its whole body (within the size cap).
    case complete(head: HTTPRequestHead, body: ByteBuffer)
    /// A request whose body passed the cap; the body was read and thrown away.
    case bodyTooLarge(head: HTTPRequestHead)

    var head: HTTPRequestHead {
        switch self {
        case .complete(let head, _), .bodyTooLarge(let head): head
        }
    }
}

import NIOHTTP1

/// How the test server answers an upgrade request.
enum UpgradeDecision: Sendable {
    case accept
    /// Answer with this status and body instead of 101.
    case refuse(HTTPResponseStatus, body: String)
}

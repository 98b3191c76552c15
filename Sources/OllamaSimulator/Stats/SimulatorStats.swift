/// A snapshot of what the simulator has seen, for tests to assert on (`GET /_sim/stats`
/// returns the same fields in snake_case).
public struct SimulatorStats: Sendable, Hashable, Codable {
    /// Requests per endpoint, keyed `"<METHOD> <path>"`, e.g. `"POST /api/chat"`; control
    /// endpoint requests included.
    public var requests: [String: Int]
    /// Chats for a known model that were accepted (including those answered with an injected error).
    public var chatsStarted: Int
    /// Chats whose reply was written to the end, final `done:true` line included.
    public var chatsCompleted: Int
    /// Chats stopped because the client went away before the reply was complete.
    /// This is how a test proves that an abort reached the backend.
    public var chatsCancelled: Int
    /// Chats that ended in an injected failure: an error status, or a cut connection.
    public var chatsFailed: Int
    /// Chats generating right now (hanging ones included).
    public var currentlyStreaming: Int
    /// The last chat request body that could be decoded, whatever its model.
    public var lastChatRequest: RecordedChatRequest?

    public init(
        requests: [String: Int] = [:],
        chatsStarted: Int = 0,
        chatsCompleted: Int = 0,
        chatsCancelled: Int = 0,
        chatsFailed: Int = 0,
        currentlyStreaming: Int = 0,
        lastChatRequest: RecordedChatRequest? = nil
    ) {
        self.requests = requests
        self.chatsStarted = chatsStarted
        self.chatsCompleted = chatsCompleted
        self.chatsCancelled = chatsCancelled
        self.chatsFailed = chatsFailed
        self.currentlyStreaming = currentlyStreaming
        self.lastChatRequest = lastChatRequest
    }

    /// Requests seen for one endpoint, e.g. `requests(for: "POST", "/api/chat")`.
    public func requests(for method: String, _ path: String) -> Int {
        requests["\(method) \(path)"] ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case chatsStarted = "chats_started"
        case chatsCompleted = "chats_completed"
        case chatsCancelled = "chats_cancelled"
        case chatsFailed = "chats_failed"
        case currentlyStreaming = "currently_streaming"
        case lastChatRequest = "last_chat_request"
    }
}

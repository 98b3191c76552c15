/// One message of `/api/chat`, in either direction: `{"role":"user","content":"…"}`.
struct ChatMessageBody: Codable, Sendable {
    var role: String
    var content: String
}

extension ChatMessageBody {
    // A message may carry only images or tool calls; Ollama treats a missing content as empty.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.role = try container.decode(String.self, forKey: .role)
        self.content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
    }
}

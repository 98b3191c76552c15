/// One dispatched Server-Sent Event: its `event:` name (nil when the stream did not name it,
/// which the spec calls `message`), its data lines joined with `\n`, and its `id:`.
struct ServerSentEvent: Sendable, Equatable {
    var event: String?
    var data: String
    var id: String?

    init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

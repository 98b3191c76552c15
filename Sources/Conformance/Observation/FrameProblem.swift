/// A frame that breaks the protocol wherever it appears: an envelope that does not match its
/// schema, an event payload that does not match the event's, `seq` on an unsequenced event.
struct FrameProblem: Sendable, Equatable {
    /// What is wrong, naming the frame and the JSON pointer.
    var reason: String
    /// The start of the frame as received.
    var excerpt: String
}

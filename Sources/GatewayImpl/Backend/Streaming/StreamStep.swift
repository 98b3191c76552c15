/// What one event of a reply stream amounted to.
enum StreamStep: Sendable, Equatable {
    /// Reply text to pass on (also progress).
    case text(String)
    /// The model is working (reasoning), but there is no reply text to show.
    case progress
    /// Nothing that moves the reply: a keep-alive, metadata, an unknown event.
    case nothing
    /// The reply is complete.
    case done(ModelChatCompletion)
}

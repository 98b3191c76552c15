/// How a subscription-gated event is asked for.
public struct EventSubscription: Sendable, Equatable {
    /// The method that starts delivery.
    public var subscribe: String
    /// The method that stops it.
    public var unsubscribe: String
    /// The payload member a subscription names, or nil when one subscription covers every event.
    public var keyField: String?

    public init(subscribe: String, unsubscribe: String, keyField: String?) {
        self.subscribe = subscribe
        self.unsubscribe = unsubscribe
        self.keyField = keyField
    }
}

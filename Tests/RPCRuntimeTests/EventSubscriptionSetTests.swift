import RPCRuntime
import Testing

@Suite("EventSubscriptionSet")
struct EventSubscriptionSetTests {
    private enum Event: String, SubscribableEvent {
        case tick, changed, message
        var subscription: EventSubscription? {
            switch self {
            case .tick: nil
            case .changed: EventSubscription(subscribe: "changes.subscribe", unsubscribe: "changes.unsubscribe", keyField: nil)
            case .message: EventSubscription(subscribe: "messages.subscribe", unsubscribe: "messages.unsubscribe", keyField: "key")
            }
        }
    }

    @Test("ungated events go to everyone; gated ones only after subscribe, until unsubscribe")
    func gating() {
        let set = EventSubscriptionSet<Event>()
        #expect(set.wants(.tick, key: nil))
        #expect(!set.wants(.changed, key: nil))
        set.subscribe(.changed)
        #expect(set.wants(.changed, key: nil))
        set.unsubscribe(.changed)
        #expect(!set.wants(.changed, key: nil))
    }

    @Test("keyed events go only for subscribed keys; beyond the limit the oldest key is evicted and returned")
    func keys() {
        let set = EventSubscriptionSet<Event>(keyLimit: 2)
        #expect(set.subscribe(.message, key: "a") == nil)
        #expect(set.subscribe(.message, key: "b") == nil)
        #expect(set.subscribe(.message, key: "a") == nil)  // renewed: now the newest
        #expect(set.subscribe(.message, key: "c") == "b")
        #expect(set.keys(for: .message) == ["a", "c"])
        #expect(set.wants(.message, key: "a") && !set.wants(.message, key: "b") && !set.wants(.message, key: nil))
        set.unsubscribe(.message, key: "a")
        set.unsubscribe(.message, key: "c")
        #expect(set.keys(for: .message).isEmpty)
        #expect(EventSubscriptionSet<Event>(keyLimit: 0).keyLimit == 1)
    }

    @Test("two sets are never equal: a subscription belongs to one connection")
    func identity() {
        let set = EventSubscriptionSet<Event>()
        #expect(set == set)
        #expect(set != EventSubscriptionSet<Event>())
    }
}

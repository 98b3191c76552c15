import Synchronization

/// An event of a protocol that may be gated by a subscription: the generated `EventName`.
public protocol SubscribableEvent: Hashable, Sendable {
    /// How the event is asked for, or nil when every connection gets it unasked.
    var subscription: EventSubscription? { get }
}

/// The subscription-gated events one connection asked for (see
/// ``SubscribableEvent/subscription``); the generated module names it `EventSubscriptions`.
/// The transport keeps one per connection, so subscriptions end with the connection; keyed
/// subscriptions are bounded per event by `keyLimit`, and a new key beyond it evicts the one
/// subscribed longest ago.
public final class EventSubscriptionSet<Event: SubscribableEvent>: Sendable, Equatable {
    private struct State {
        var events: Set<Event> = []
        /// Per keyed event, its keys in subscription order.
        var keys: [Event: [String]] = [:]
    }

    /// Keys a connection may hold per keyed event.
    public let keyLimit: Int
    private let state = Mutex(State())

    public init(keyLimit: Int = 256) {
        self.keyLimit = max(1, keyLimit)
    }

    /// Starts delivering `event` (for `key`, when the event is keyed). Returns the key evicted
    /// to stay within ``keyLimit``, if any.
    @discardableResult
    public func subscribe(_ event: Event, key: String? = nil) -> String? {
        state.withLock { state in
            guard let key else {
                state.events.insert(event)
                return nil
            }
            var keys = state.keys[event] ?? []
            keys.removeAll { $0 == key }
            keys.append(key)
            let evicted = keys.count > keyLimit ? keys.removeFirst() : nil
            state.keys[event] = keys
            return evicted
        }
    }

    /// Stops delivering `event` (for `key`, when the event is keyed).
    public func unsubscribe(_ event: Event, key: String? = nil) {
        state.withLock { state in
            guard let key else {
                state.events.remove(event)
                return
            }
            state.keys[event]?.removeAll { $0 == key }
            if state.keys[event]?.isEmpty == true { state.keys[event] = nil }
        }
    }

    /// Whether an event with this name (and subscription key) goes to this connection: always
    /// for events nobody subscribes to, else only after the matching subscribe.
    public func wants(_ event: Event, key: String?) -> Bool {
        guard let subscription = event.subscription else { return true }
        return state.withLock { state in
            guard subscription.keyField != nil else { return state.events.contains(event) }
            guard let key else { return false }
            return state.keys[event]?.contains(key) ?? false
        }
    }

    /// Keyed subscriptions held for `event`.
    public func keys(for event: Event) -> [String] {
        state.withLock { $0.keys[event] ?? [] }
    }

    /// Identity: two connections never share subscriptions.
    public static func == (lhs: EventSubscriptionSet, rhs: EventSubscriptionSet) -> Bool {
        lhs === rhs
    }
}

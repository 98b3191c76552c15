import Foundation
import GatewayImpl
import GeneratedProtocol
import Locking
import PostgresStore
import Testing
import ThrowawayPostgres

/// The event relay between replicas on one database: once, in order, large events through the
/// outbox, nothing of a replica's own, only the replicated event kinds.
@Suite("PostgreSQL event relay", .timeLimit(.minutes(5)))
struct PostgresEventRelayTests {
    /// The events a replica's relay delivered.
    final class Received: Sendable {
        let events = Locked<[GatewayEvent]>([])
        var all: [GatewayEvent] { events.withLock { $0 } }
    }

    /// A replica: a store, its relay, and the task delivering into `received`.
    struct Replica {
        let store: PostgresSessionStore
        let relay: PostgresEventRelay
        let received = Received()
        let task: Task<Void, Never>

        init(url: String, name: String) async throws {
            store = try await PostgresSessionStore(url: try DatabaseURL(url), logger: quietLogger)
            let relay = PostgresEventRelay(store: store, origin: name, logger: quietLogger)
            self.relay = relay
            let received = self.received
            task = Task {
                await relay.run { delivery in
                    if case let .event(event) = delivery { received.events.withLock { $0.append(event) } }
                }
            }
        }

        func stop() async throws {
            relay.finish()
            await task.value
            try await store.close()
        }
    }

    private static func delta(_ runId: String, _ seq: Int, text: String) -> GatewayEvent {
        .chat(ChatEvent(deltaText: text, runId: runId, seq: seq, sessionKey: "agent:main:relay", state: .delta))
    }

    private static func probe(_ index: Int) -> GatewayEvent {
        .sessionsChanged(SessionsChangedEvent(reason: .init(rawValue: "probe"), sessionKey: "probe-\(index)", ts: index))
    }

    /// Sends probes from `sender` until `receiver` hears one: its listener is up.
    private static func waitUntilListening(_ sender: Replica, _ receiver: Replica) async throws {
        for index in 0..<600 {
            sender.relay.send(Self.probe(index))
            if !receiver.received.all.isEmpty { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the relay never delivered a probe")
    }

    @Test("300 deltas and a 40 KB final sent by A reach B once and in order; A hears none of its own; ticks stay local")
    func orderOnceOutbox() async throws {
        let url = try await ThrowawayPostgres.shared().createDatabase()
        let a = try await Replica(url: url, name: "replica-a")
        let b = try await Replica(url: url, name: "replica-b")
        try await Self.waitUntilListening(a, b)
        b.received.events.withLock { $0.removeAll() }

        let runId = "relay-run"
        for seq in 1...300 {
            a.relay.send(Self.delta(runId, seq, text: "piece \(seq) "))
        }
        a.relay.send(.tick(TickEvent(ts: 1)))
        let long = String(repeating: "long reply ", count: 4_000)
        a.relay.send(.chat(ChatEvent(
            message: ["role": "assistant", "content": [["type": "text", "text": .string(long)]]],
            runId: runId, seq: 301, sessionKey: "agent:main:relay", state: .final)))

        try await eventuallyAsync("B received the final", timeout: .seconds(60)) {
            b.received.all.contains { if case let .chat(chat) = $0 { chat.state == .final } else { false } }
        }
        let chats = b.received.all.compactMap { event -> ChatEvent? in
            if case let .chat(chat) = event, chat.runId == runId { chat } else { nil }
        }
        #expect(chats.map(\.seq) == Array(1...301))
        #expect(chats.last?.message?["content"]?.arrayValue?.first?["text"]?.stringValue == long)
        #expect(!b.received.all.contains { $0.name == .tick })
        #expect(!a.received.all.contains { if case let .chat(chat) = $0 { chat.runId == runId } else { false } })

        try await a.stop()
        try await b.stop()
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventuallyAsync(_ what: @autoclosure () -> String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool)
    async throws
{
    let deadline = ContinuousClock.now + timeout
    while !(try await condition()) {
        guard ContinuousClock.now < deadline else { throw TestFailure("not within \(timeout): \(what())") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A failed wait, with what was waited for.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

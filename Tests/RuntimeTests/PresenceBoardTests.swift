import GatewayClient
import GeneratedProtocol
import Testing
@testable import Runtime

/// The presence list: newest first, capped as OpenClaw caps it, one entry per open connection.
@Suite("Presence board")
struct PresenceBoardTests {
    private func entry(_ ts: Int, _ instance: String) -> PresenceEntry {
        PresenceEntry(instanceId: instance, mode: "ui", ts: ts)
    }

    @Test("the list is newest first, ties by instance id, exactly what sorting every entry gives")
    func order() {
        let board = PresenceBoard(limit: 1000)
        var all: [PresenceEntry] = []
        // Out of order, with repeated instants.
        for index in 0..<300 {
            let entry = entry((index * 7919) % 101, "i\(index)")
            all.append(entry)
            board.upsert(entry, for: "c\(index)")
        }
        let sorted = all.sorted { $0.ts != $1.ts ? $0.ts > $1.ts : ($0.instanceId ?? "") < ($1.instanceId ?? "") }
        #expect(board.list() == sorted)
    }

    @Test("past the limit only the newest entries are listed")
    func limit() {
        let board = PresenceBoard(limit: 200)
        for index in (0..<1000).shuffled() { board.upsert(entry(index, "i\(index)"), for: "c\(index)") }
        let list = board.list()
        #expect(list.count == 200)
        #expect(list.map(\.ts) == Array((800..<1000).reversed()))
        #expect(board.count == 1000, "every open connection keeps its entry; only the list is capped")
    }

    @Test("a connection that leaves takes its entry along; the list follows every change")
    func removal() {
        let board = PresenceBoard(limit: 2)
        board.upsert(entry(1, "a"), for: "c1")
        board.upsert(entry(2, "b"), for: "c2")
        board.upsert(entry(3, "c"), for: "c3")
        #expect(board.list().map(\.instanceId) == ["c", "b"])
        #expect(board.remove("c3"))
        #expect(!board.remove("c3"), "removing twice finds nothing")
        #expect(board.list().map(\.instanceId) == ["b", "a"])
        board.upsert(entry(4, "b2"), for: "c2")
        #expect(board.list().map(\.instanceId) == ["b2", "a"], "an upsert replaces the connection's entry")
        #expect(board.count == 2)
    }

    @Test("over real sockets: a burst of connects ends in a presence event listing every client; leaving removes them; cli clients are not listed")
    func liveBroadcast() async throws {
        try await withGateway { gateway in try await Self.burst(gateway) }
    }

    private static func instances(_ payload: JSONValue) -> [String] {
        payload["presence"]?.arrayValue?.compactMap { $0["instanceId"]?.stringValue } ?? []
    }

    private static func burst(_ gateway: GatewayHarness) async throws {
        let watcher = try await gateway.connect(instanceId: "watcher")
        let recorder = FrameRecorder(watcher)
        let cli = try await gateway.connect(clientId: "cli", mode: "cli", instanceId: "a-cli")
        let names = (0..<30).map { "client-\($0 + 10)" }
        var clients: [GatewaySession] = []
        for name in names { clients.append(try await gateway.connect(instanceId: name)) }
        let everyone = Set(names + ["watcher"])
        let full = try await recorder.event("presence", timeout: .seconds(30), where: { Set(instances($0)) == everyone })
        let listed = full.json?["payload"]?["presence"]?.arrayValue ?? []
        let stamps = listed.compactMap { $0["ts"]?.intValue }
        #expect(stamps == stamps.sorted(by: >), "newest first")
        #expect(!listed.contains { $0["mode"] == "cli" })
        #expect(gateway.server.eventBus.presence().count == 31)

        for client in clients { await client.close() }
        _ = try await recorder.event("presence", from: full.index + 1, timeout: .seconds(30), where: { instances($0) == ["watcher"] })
        await cli.close()
        await watcher.close()
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol
import NIOCore
import NIOPosix
import Testing

/// Hostile input over real sockets against a real `kubeclaw serve` process (one per category):
/// every case gets its documented answer (a typed error, a close code or an HTTP status), and
/// after each one the process still runs, a bystander client's `health` still answers, and the
/// gateway's resident memory stays within ``memoryBound`` of what it was before the category.
@Suite(.timeLimit(.minutes(10))) struct HostileInputTests {
    /// What a category may add to the gateway's RSS (its cases send a few MB at most).
    static let memoryBound = 64 << 20

    @Test("hostile input gets its documented answer; the gateway, a bystander and memory hold",
          arguments: HostileCase.Category.allCases)
    func category(_ category: HostileCase.Category) async throws {
        let cases = HostileCase.all.filter { $0.category == category }
        #expect(!cases.isEmpty)
        let arguments = category == .upgrade ? ["--upgrade-timeout", "2"] : []
        try await Self.withGateway(arguments: arguments) { gateway, bystander, baseline in
            for hostile in cases {
                do {
                    try await Self.run(hostile, against: gateway)
                } catch {
                    Issue.record("\(hostile.testDescription): \(error)")
                }
                try await Self.expectServing(gateway, bystander: bystander, baseline: baseline, after: hostile.testDescription)
            }
        }
    }

    @Test("2,000 sockets that upgrade and never connect are all closed by the handshake deadline")
    func socketsThatNeverConnect() async throws {
        try await Self.withGateway(arguments: ["--handshake-timeout", "3"]) { gateway, bystander, baseline in
            let channels = try await Self.openUpgraded(2_000, port: gateway.webSocketPort)
            defer { for channel in channels { channel.close(promise: nil) } }
            try await Self.expectServing(gateway, bystander: bystander, baseline: baseline, after: "2,000 silent sockets")
            try await eventually("every silent socket closed by the server", timeout: .seconds(60)) {
                channels.allSatisfy { !$0.isActive }
            }
            try await Self.expectServing(gateway, bystander: bystander, baseline: baseline, after: "the silent sockets closed")
        }
    }

    @Test("brute force: wrong tokens lock the address out, the right token then too; a connected client is unaffected")
    func bruteForce() async throws {
        try await Self.withGateway(arguments: ["--no-exempt-loopback-from-lockout"]) { gateway, bystander, baseline in
            for attempt in 0..<ProtocolLimits.authFailures {
                let (code, closeCode) = try await Self.connect(token: "wrong-\(attempt)", to: gateway)
                #expect(code == "AUTH_TOKEN_MISMATCH", "attempt \(attempt)")
                #expect(closeCode == 1008)
            }
            let (code, closeCode) = try await Self.connect(token: HostileCase.token, to: gateway)
            #expect(code == "AUTH_RATE_LIMITED", "the right token is refused during the lockout")
            #expect(closeCode == 1008)
            try await Self.expectServing(gateway, bystander: bystander, baseline: baseline, after: "the lockout")
        }
    }

    // MARK: Running a case

    static func run(_ hostile: HostileCase, against gateway: RunningGateway) async throws {
        let port = gateway.webSocketPort
        try await RawConnection.with(port: port) { connection in
            switch hostile.stage {
            case .tcp:
                break
            case .upgraded:
                try await upgrade(connection, port: port)
            case .connected(let scopes):
                try await upgrade(connection, port: port)
                try await connection.write(try RawWebSocket.connect(token: HostileCase.token, scopes: scopes))
                guard await connection.read(until: { responses(in: $0, including: true).contains { $0.id == "raw-connect" } }, limit: .seconds(60)),
                      responses(in: connection.received, including: true).first(where: { $0.id == "raw-connect" })?.ok == true
                else { throw TestFailure("connect failed: \(String(decoding: connection.received, as: UTF8.self).suffix(300))") }
            }
            try await connection.write(hostile.bytes)
            try await expect(hostile.outcome, on: connection)
        }
    }

    static func upgrade(_ connection: RawConnection, port: Int) async throws {
        try await connection.write(RawWebSocket.upgradeRequest(port: port))
        guard await connection.read(until: RawWebSocket.isUpgraded, limit: .seconds(60)) else {
            throw TestFailure("no 101 Switching Protocols: \(String(decoding: connection.received, as: UTF8.self))")
        }
    }

    static func expect(_ outcome: HostileCase.Outcome, on connection: RawConnection) async throws {
        switch outcome {
        case .error(let reason, let path, let code, let count):
            let answers = try await awaitResponses(count, on: connection)
            for answer in answers {
                guard answer.ok == false, answer.errorCode == "INVALID_REQUEST" else { throw TestFailure("expected INVALID_REQUEST, got \(answer.text)") }
                if let reason, answer.details["reason"] != reason { throw TestFailure("expected details.reason \(reason): \(answer.text)") }
                if let path, answer.details["path"] != path { throw TestFailure("expected details.path \(path): \(answer.text)") }
                if let code, answer.details["code"] != code { throw TestFailure("expected details.code \(code): \(answer.text)") }
            }
            try await expectUsable(connection, answeredBefore: count)
        case .answered(let count):
            let answers = try await awaitResponses(count, on: connection)
            if let failed = answers.first(where: { $0.ok != true }) { throw TestFailure("expected an answer, got \(failed.text)") }
            try await expectUsable(connection, answeredBefore: count)
        case .silent:
            try await expectUsable(connection, answeredBefore: 0)
        case .close(let code):
            guard await connection.readUntilClosed(limit: .seconds(60)) else { throw TestFailure("the connection stayed open") }
            let sent = RawWebSocket.closeCode(in: connection.received)
            guard sent == code else { throw TestFailure("expected close \(code), got \(sent.map(String.init) ?? "none")") }
        case .http(let status):
            guard await connection.readUntilClosed(limit: .seconds(60)) else { throw TestFailure("the connection stayed open") }
            let head = String(decoding: connection.received.prefix(40), as: UTF8.self)
            guard head.hasPrefix("HTTP/1.1 \(status) ") else { throw TestFailure("expected HTTP \(status), got \(head)") }
        case .closedWithoutAnswer:
            guard await connection.readUntilClosed(limit: .seconds(60)) else { throw TestFailure("the connection stayed open") }
            guard connection.received.isEmpty else { throw TestFailure("expected no answer, got \(connection.received.count) bytes") }
        }
    }

    /// A `health` on the same connection answers, and no response other than the `count`
    /// already seen came before it.
    static func expectUsable(_ connection: RawConnection, answeredBefore count: Int) async throws {
        try await connection.write(RawWebSocket.text(#"{"type":"req","id":"still-usable","method":"health"}"#))
        guard await connection.read(until: { responses(in: $0).contains { $0.id == "still-usable" } }, limit: .seconds(60)) else {
            throw TestFailure("the connection did not answer health afterwards (closed: \(connection.closedByServer))")
        }
        let answers = responses(in: connection.received)
        guard answers.count == count + 1, answers.last?.id == "still-usable", answers.last?.ok == true else {
            throw TestFailure("expected \(count) responses and then health, got \(answers.map(\.text).joined(separator: "\n").prefix(600))")
        }
    }

    static func awaitResponses(_ count: Int, on connection: RawConnection) async throws -> [Response] {
        guard await connection.read(until: { responses(in: $0).count >= count }, limit: .seconds(60)) else {
            throw TestFailure("expected \(count) responses, got \(responses(in: connection.received).count) (closed: \(connection.closedByServer))")
        }
        return Array(responses(in: connection.received).prefix(count))
    }

    /// A response frame the server sent, decoded loosely (the case may have broken anything).
    struct Response {
        var id: String?
        var ok: Bool?
        var errorCode: String?
        var details: [String: String]
        var text: String
    }

    /// The response frames in `bytes` (after the 101 head), without the `connect` answer unless told.
    static func responses(in bytes: [UInt8], including connect: Bool = false) -> [Response] {
        RawWebSocket.serverFrames(in: bytes).compactMap { frame in
            guard frame.opcode == 0x1,
                  let object = try? JSONSerialization.jsonObject(with: Data(frame.payload)) as? [String: Any],
                  object["type"] as? String == "res"
            else { return nil }
            let id = object["id"] as? String
            if id == "raw-connect" && !connect { return nil }
            let error = object["error"] as? [String: Any]
            let details = (error?["details"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            return Response(id: id, ok: object["ok"] as? Bool, errorCode: error?["code"] as? String, details: details,
                            text: String(decoding: frame.payload.prefix(400), as: UTF8.self))
        }
    }

    // MARK: The gateway

    /// A `kubeclaw serve` process (over an `ollama-sim`), a connected bystander, and the
    /// gateway's RSS once both are up.
    static func withGateway(
        arguments: [String], _ body: (RunningGateway, GatewaySession, Int) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclaw-hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let simulator = try await RunningSimulator.start(directory: directory)
        defer { simulator.process.stop() }
        let gateway = try await RunningGateway.start(
            directory: directory, token: HostileCase.token, arguments: ["--ollama-url", simulator.url] + arguments)
        defer { gateway.process.stop() }
        let bystander = try await gateway.connect(instanceId: "bystander")
        #expect(try await bystander.request("health").ok)
        let baseline = try #require(ProcessMemory.residentBytes(of: gateway.process.pid))
        try await body(gateway, bystander, baseline)
        await bystander.close()
    }

    /// The process runs, the bystander's `health` answers, and RSS is within the bound.
    static func expectServing(_ gateway: RunningGateway, bystander: GatewaySession, baseline: Int, after what: String) async throws {
        guard gateway.process.isRunning else {
            throw TestFailure("the gateway exited after \(what); output:\n\(gateway.process.output.suffix(2_000))")
        }
        #expect(try await bystander.request("health").ok, "the bystander's health after \(what)")
        let resident = try #require(ProcessMemory.residentBytes(of: gateway.process.pid))
        #expect(resident - baseline <= memoryBound,
                "RSS grew by \((resident - baseline) >> 20) MiB after \(what) (bound \(memoryBound >> 20) MiB)")
    }

    // MARK: Helpers of the special cases

    /// `count` connections that send the upgrade request and then nothing.
    static func openUpgraded(_ count: Int, port: Int) async throws -> [any Channel] {
        var channels: [any Channel] = []
        let request = ByteBuffer(bytes: RawWebSocket.upgradeRequest(port: port).utf8)
        for _ in 0..<count {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(30))
                .connect(host: "127.0.0.1", port: port).get()
            channels.append(channel)
            channel.writeAndFlush(request, promise: nil)
        }
        return channels
    }

    /// A raw `connect` with `token`: the error's `details.code` and the close code.
    static func connect(token: String, to gateway: RunningGateway) async throws -> (String?, Int?) {
        let port = gateway.webSocketPort
        return try await RawConnection.with(port: port) { connection in
            try await upgrade(connection, port: port)
            try await connection.write(try RawWebSocket.connect(token: token))
            _ = await connection.readUntilClosed(limit: .seconds(60))
            let answer = responses(in: connection.received, including: true).first { $0.id == "raw-connect" }
            return (answer?.details["code"], RawWebSocket.closeCode(in: connection.received))
        }
    }
}

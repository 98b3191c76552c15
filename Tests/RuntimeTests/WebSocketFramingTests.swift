import Foundation
import GatewayClient
import GeneratedProtocol
import NIOCore
import NIOWebSocket
import Runtime
import Testing

/// RFC 6455 framing rules, sent as raw bytes over a real socket: a violation closes that
/// connection with 1002 (protocol error) or 1007 (text that is not UTF-8); the server and
/// every other client carry on.
@Suite struct WebSocketFramingTests {
    struct Violation: Sendable, CustomTestStringConvertible {
        var name: String
        /// Sent after the upgrade (and after `connect`, when `afterConnect`), in one write.
        var frames: [[UInt8]]
        var closeCode: Int
        var afterConnect = true

        var testDescription: String { name }
    }

    /// A `health` request: valid as a message, so only the framing can be wrong.
    static let health = Array(#"{"type":"req","id":"h","method":"health"}"#.utf8)

    static let violations: [Violation] = [
        Violation(name: "an unmasked text frame → 1002", frames: [RawWebSocket.frame(0x1, health, masked: false)], closeCode: 1002),
        Violation(name: "an unmasked frame before connect → 1002",
                  frames: [RawWebSocket.frame(0x1, health, masked: false)], closeCode: 1002, afterConnect: false),
        Violation(name: "an unmasked ping → 1002", frames: [RawWebSocket.frame(0x9, [1, 2], masked: false)], closeCode: 1002),
        Violation(name: "RSV1 without a negotiated extension → 1002", frames: [RawWebSocket.frame(0x1, health, rsv: 0b100)], closeCode: 1002),
        Violation(name: "RSV2 → 1002", frames: [RawWebSocket.frame(0x1, health, rsv: 0b010)], closeCode: 1002),
        Violation(name: "RSV3 on a ping → 1002", frames: [RawWebSocket.frame(0x9, [], rsv: 0b001)], closeCode: 1002),
        Violation(name: "reserved data opcode 0x3 → 1002", frames: [RawWebSocket.frame(0x3, health)], closeCode: 1002),
        Violation(name: "reserved data opcode 0x7 → 1002", frames: [RawWebSocket.frame(0x7, [])], closeCode: 1002),
        Violation(name: "reserved control opcode 0xB → 1002", frames: [RawWebSocket.frame(0xB, [])], closeCode: 1002),
        Violation(name: "reserved control opcode 0xF → 1002", frames: [RawWebSocket.frame(0xF, [0x41])], closeCode: 1002),
        Violation(name: "a continuation with no message to continue → 1002", frames: [RawWebSocket.frame(0x0, health)], closeCode: 1002),
        Violation(name: "a new text frame inside a fragmented message → 1002",
                  frames: [RawWebSocket.frame(0x1, Array(health[..<10]), fin: false), RawWebSocket.frame(0x1, health)], closeCode: 1002),
        Violation(name: "a lone continuation byte 0x80 → 1007", frames: [RawWebSocket.frame(0x1, [0x22, 0x80, 0x22])], closeCode: 1007),
        Violation(name: "an overlong '/' (C0 AF) → 1007", frames: [RawWebSocket.frame(0x1, [0x22, 0xC0, 0xAF, 0x22])], closeCode: 1007),
        Violation(name: "a UTF-16 surrogate (ED A0 80) → 1007", frames: [RawWebSocket.frame(0x1, [0x22, 0xED, 0xA0, 0x80, 0x22])], closeCode: 1007),
        Violation(name: "a code point past U+10FFFF (F4 90 80 80) → 1007",
                  frames: [RawWebSocket.frame(0x1, [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22])], closeCode: 1007),
        Violation(name: "invalid UTF-8 in the JSON of a request → 1007",
                  frames: [RawWebSocket.frame(0x1, Array(#"{"type":"req","id":""#.utf8) + [0xFF] + Array(#"","method":"health"}"#.utf8))],
                  closeCode: 1007),
        Violation(name: "a code point broken across fragments (E2 82 | 28) → 1007",
                  frames: [RawWebSocket.frame(0x1, [0x22, 0xE2, 0x82], fin: false), RawWebSocket.frame(0x0, [0x28, 0x22])], closeCode: 1007),
        Violation(name: "a message that ends inside a code point (E2 82 | end) → 1007",
                  frames: [RawWebSocket.frame(0x1, [0x22, 0xE2], fin: false), RawWebSocket.frame(0x0, [0x82])], closeCode: 1007),
        Violation(name: "invalid UTF-8 in a later fragment, with pings between → 1007",
                  frames: [RawWebSocket.frame(0x1, [0x22], fin: false), RawWebSocket.frame(0x9, [7]),
                           RawWebSocket.frame(0x0, [0x41], fin: false), RawWebSocket.frame(0x0, [0xC3, 0x28, 0x22])], closeCode: 1007),
        Violation(name: "a close frame with a 1-byte body → 1002", frames: [RawWebSocket.frame(0x8, [0x03])], closeCode: 1002),
        Violation(name: "close code 1005 (never sent on the wire) → 1002", frames: [RawWebSocket.close(code: 1005)], closeCode: 1002),
        Violation(name: "close code 999 → 1002", frames: [RawWebSocket.close(code: 999)], closeCode: 1002),
        Violation(name: "close code 2000 (unassigned) → 1002", frames: [RawWebSocket.close(code: 2000)], closeCode: 1002),
        Violation(name: "a close reason that is not UTF-8 → 1007", frames: [RawWebSocket.close(code: 1000, reason: [0xCE, 0xBA, 0xE1])], closeCode: 1007),
    ]

    @Test("an RFC 6455 violation closes that connection with its code; the server and other clients carry on", arguments: violations)
    func violationClosesTheConnection(_ violation: Violation) async throws {
        try await withGateway { gateway in
            let other = try await gateway.connect(instanceId: "other")
            let (closeCode, closedByServer) = try await Self.send(
                violation.frames, to: gateway, connectFirst: violation.afterConnect)
            #expect(closeCode == violation.closeCode)
            #expect(closedByServer, "the server closes the socket after its close frame")
            #expect(try await other.request("health").ok)
            await other.close()
        }
    }

    @Test("a code point split across fragments (and a ping between them) is reassembled and answered")
    func codePointAcrossFragments() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let bytes = Array(#"{"type":"req","id":"€-split","method":"health"}"#.utf8)
            let cut = bytes.firstIndex(of: 0xE2)! + 1  // after the first of the euro sign's three bytes
            try await session.connection.send(frame: WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(bytes: bytes[..<cut])))
            try await session.connection.send(frame: WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(bytes: [1])))
            try await session.connection.send(frame: WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: bytes[cut...])))
            let reply = try await recorder.waitFor("the reply to the fragmented request") { $0.response?.id == "€-split" }
            #expect(reply.response?.ok == true)
            await session.close()
        }
    }

    @Test("a close frame with a registered code and a UTF-8 reason is answered with a clean close")
    func validCloseFrame() async throws {
        try await withGateway { gateway in
            let (closeCode, closedByServer) = try await Self.send(
                [RawWebSocket.close(code: 4000, reason: Array("ciao κόσμε".utf8))], to: gateway, connectFirst: true)
            #expect(closeCode == 4000, "the server echoes the client's code")
            #expect(closedByServer)
        }
    }

    /// Upgrades a raw socket (and sends `connect` first when told), writes `frames` at once, and
    /// reads until the server closes: the code of the close frame it sent, and whether it closed.
    private static func send(_ frames: [[UInt8]], to gateway: GatewayHarness, connectFirst: Bool) async throws -> (Int?, Bool) {
        let port = gateway.addresses.webSocketPort
        return try await RawConnection.with(port: port) { connection in
            try await connection.write(RawWebSocket.upgradeRequest(port: port))
            guard await connection.read(until: RawWebSocket.isUpgraded) else {
                throw TestFailure("no 101 Switching Protocols: \(String(decoding: connection.received, as: UTF8.self))")
            }
            if connectFirst {
                try await connection.write(try RawWebSocket.connect(token: gateway.token))
                let answered = await connection.read { received in
                    RawWebSocket.serverFrames(in: received).contains { String(decoding: $0.payload, as: UTF8.self).contains(#""raw-connect""#) }
                }
                guard answered else { throw TestFailure("connect was not answered") }
            }
            try await connection.write(frames.flatMap { $0 })
            let closed = await connection.readUntilClosed()
            return (RawWebSocket.closeCode(in: connection.received), closed)
        }
    }
}

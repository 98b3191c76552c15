import Foundation
import GatewayClient
import Testing

/// Invalid `chat.send` params are refused with INVALID_REQUEST before any run starts, and the
/// connection stays open.
@Suite(.timeLimit(.minutes(10)))
struct ChatSendValidationTests {
    @Test("a missing idempotencyKey, an empty sessionKey or an unknown field is INVALID_REQUEST")
    func schemaViolations() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let noKey = try await session.request("chat.send", params: ["sessionKey": "main", "message": "hi"])
            #expect(noKey.error?.code == "INVALID_REQUEST")
            #expect(noKey.error?.message.hasPrefix("invalid chat.send params") == true, "\(String(describing: noKey.error))")
            #expect(noKey.error?.message.contains("idempotencyKey") == true)

            let emptySession = try await session.request(
                "chat.send", params: ["sessionKey": "", "message": "hi", "idempotencyKey": "k-empty"])
            #expect(emptySession.error?.code == "INVALID_REQUEST")
            #expect(emptySession.error?.message.hasPrefix("invalid chat.send params") == true)

            let extra = try await session.request(
                "chat.send", params: ["sessionKey": "main", "message": "hi", "idempotencyKey": "k-extra", "model": "x"])
            #expect(extra.error?.code == "INVALID_REQUEST")

            #expect(gateway.simulator.stats().chatsStarted == 0)
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("a message with a NUL byte is refused: message must not contain null bytes")
    func nulByte() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.chatSend("hello\u{0}world")
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "message must not contain null bytes")
            #expect(try await session.historyMessages().isEmpty, "nothing was stored")
            #expect(try await session.request("health").ok)
            await session.close()
        }
    }

    @Test("an empty message without attachments is refused: message or attachment required")
    func emptyMessage() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let response = try await session.chatSend("  \n ")
            #expect(response.error?.code == "INVALID_REQUEST")
            #expect(response.error?.message == "message or attachment required")
            await session.close()
        }
    }

    @Test("a refused key is not spent: the same idempotencyKey works once the params are valid")
    func refusedKeyIsNotSpent() async throws {
        try await withGateway { gateway in
            let session = try await gateway.connect()
            let recorder = FrameRecorder(session)
            let key = UUID().uuidString.lowercased()
            #expect(try await session.chatSend("bad\u{0}", idempotencyKey: key).error?.code == "INVALID_REQUEST")
            #expect(try await session.chatSend("good", idempotencyKey: key).payload?["status"] == "started")
            #expect(try await recorder.run(key).terminal["state"] == "final")
            await session.close()
        }
    }
}

import Foundation
import GeneratedProtocol
import NIOCore
import NIOWebSocket

/// Serves one WebSocket connection of a ``MockGateway``: the challenge, `connect` (token checked
/// when one is set, the newest common version negotiated), then every request answered from the
/// examples or the overrides, until the client closes.
struct MockConnection {
    let id: Int
    let token: String?
    let examples: MockExamples
    let connections: MockConnections
    let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    func serve(_ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>) async throws {
        try await send(["type": "event", "event": "connect.challenge", "payload": [
            "nonce": .string(UUID().uuidString.lowercased()), "ts": .integer(Int(Date().timeIntervalSince1970 * 1000)),
        ]])
        var connected = false
        var text = ""
        for try await frame in inbound {
            switch frame.opcode {
            case .connectionClose:
                try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
                return
            case .ping:
                try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                continue
            case .text, .continuation:
                text += String(buffer: frame.unmaskedData)
                guard frame.fin else { continue }
            default:
                continue
            }
            defer { text = "" }
            guard let json = try? JSONValue.parse(Data(text.utf8)) else { continue }
            connections.record(json)
            let id = json["id"]?.stringValue ?? "invalid"
            if json["type"]?.stringValue == "cancel" {
                try await respond(id: id, error: ("INVALID_REQUEST", "request cancelled"))
                continue
            }
            guard json["type"]?.stringValue == "req", let method = json["method"]?.stringValue else {
                try await respond(id: id, error: ("INVALID_REQUEST", "invalid request frame"))
                continue
            }
            if !connected {
                guard method == "connect" else {
                    try await respond(id: id, error: ("INVALID_REQUEST", "first request must be connect"))
                    return
                }
                guard try await handshake(id: id, params: json["params"]) else { return }
                connected = true
                continue
            }
            try await answer(id: id, method: method, params: json["params"])
        }
    }

    private func handshake(id: String, params: JSONValue?) async throws -> Bool {
        if let token, params?["auth"]?["token"]?.stringValue != token {
            try await respond(id: id, error: ("INVALID_REQUEST", "unauthorized: gateway token mismatch"), details: ["code": "AUTH_TOKEN_MISMATCH"])
            try? await outbound.write(Self.close(1008, "unauthorized"))
            return false
        }
        let low = params?["minProtocol"]?.intValue ?? 0
        let high = params?["maxProtocol"]?.intValue ?? 0
        guard let version = examples.protocols.last(where: { low <= $0 && $0 <= high }) else {
            try await respond(id: id, error: ("INVALID_REQUEST", "protocol mismatch"), details: ["code": "PROTOCOL_UNSUPPORTED"])
            try? await outbound.write(Self.close(1002, "protocol mismatch"))
            return false
        }
        var hello = examples.methods["connect"]?.result.flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? ["type": "hello-ok"]
        if case .object(var members) = hello {
            members["protocol"] = .integer(version)
            hello = .object(members)
        }
        // Connected before hello-ok is written: once a client has its hello-ok, `emit` reaches
        // it (marked after the write, an event emitted right after `start()` could miss it).
        connections.markConnected(self.id)
        try await respond(id: id, result: hello)
        return true
    }

    private func answer(id: String, method: String, params: JSONValue?) async throws {
        switch connections.reply(for: method) {
        case .result(let payload)?: return try await respond(id: id, result: payload)
        case .error(let code, let message)?: return try await respond(id: id, error: (code, message))
        case .silence?: return
        case nil: break
        }
        guard let example = examples.methods[method] else {
            return try await respond(id: id, error: ("INVALID_REQUEST", "unknown method: \(method)"))
        }
        for invalid in example.invalid {
            if let rejected = try? JSONValue.parse(Data(invalid.params.utf8)), rejected == (params ?? .null) {
                return try await respond(id: id, error: (invalid.error, "invalid \(method) params (spec example)"))
            }
        }
        let result = example.result.flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? .object([:])
        try await respond(id: id, result: result)
    }

    private func respond(id: String, result: JSONValue) async throws {
        try await send(["type": "res", "id": .string(id), "ok": true, "payload": result])
    }

    private func respond(id: String, error: (code: String, message: String), details: JSONValue? = nil) async throws {
        var shape: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
        if let details { shape["details"] = details }
        try await send(["type": "res", "id": .string(id), "ok": false, "error": .object(shape)])
    }

    private func send(_ frame: JSONValue) async throws {
        try await outbound.write(Self.text(frame))
    }

    static func text(_ frame: JSONValue) throws -> WebSocketFrame {
        let data = try JSONEncoder().encode(frame)
        return WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: data))
    }

    static func close(_ code: UInt16, _ reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}

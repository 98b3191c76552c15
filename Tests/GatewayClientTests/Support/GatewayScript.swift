import Foundation
import GeneratedProtocol

/// Pieces of a gateway's side of the protocol, for test server scripts.
enum GatewayScript {
    /// A `connect.challenge` event, written as a gateway sends it.
    static func challenge(nonce: String = "5b0d6a3e-2f7c-4c1e-9a51-0c8f3f0b2d11") -> String {
        #"{"type":"event","event":"connect.challenge","payload":{"nonce":"\#(nonce)","ts":1767225600000}}"#
    }

    /// A minimal valid `hello-ok` response to the request `id`.
    static func helloOk(id: String) -> String {
        #"{"type":"res","id":"\#(id)","ok":true,"payload":{"type":"hello-ok","protocol":3,"# +
            #""server":{"version":"test","connId":"conn-1"},"features":{"methods":["health","agents.list"],"# +
            #""events":["connect.challenge","tick"]},"snapshot":{"presence":[],"health":{},"# +
            #""stateVersion":{"presence":0,"health":0},"uptimeMs":1},"# +
            #""policy":{"maxPayload":65536,"maxBufferedBytes":1048576,"tickIntervalMs":30000}}}"#
    }

    /// A success response.
    static func ok(id: String, payload: JSONValue) -> String {
        JSONValue.object(["type": "res", "id": .string(id), "ok": true, "payload": payload]).description
    }

    /// A failure response.
    static func failure(id: String, code: String, message: String, details: JSONValue? = nil) -> String {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { error["details"] = details }
        return JSONValue.object(["type": "res", "id": .string(id), "ok": false, "error": .object(error)]).description
    }

    /// A client request: id, method, params; nil when the text is not one.
    static func request(_ text: String?) -> (id: String, method: String, params: JSONValue?)? {
        guard
            let text,
            let json = try? JSONValue.parse(Data(text.utf8)),
            json["type"]?.stringValue == "req",
            let id = json["id"]?.stringValue,
            let method = json["method"]?.stringValue
        else { return nil }
        return (id, method, json["params"])
    }

    /// Connect params a test client sends.
    static let connectParams = ConnectParams(
        client: .init(id: .test, mode: .test, platform: "linux", version: "1.0.0"),
        maxProtocol: 3,
        minProtocol: 3
    )

    /// The usual opening: challenge, then hello-ok for the client's connect. Returns the connect
    /// request, nil when the client sent something else.
    static func handshake(_ connection: TestServerConnection) async throws -> (id: String, method: String, params: JSONValue?)? {
        try await connection.send(text: challenge())
        guard let connect = request(try await connection.nextText()), connect.method == "connect" else { return nil }
        try await connection.send(text: helloOk(id: connect.id))
        return connect
    }
}

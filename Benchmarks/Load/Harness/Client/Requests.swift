import Foundation
import NIOCore

/// The few request texts the harness sends, built once as bytes.
enum Requests {
    /// `connect` with the token, asking for every operator scope so the connection receives
    /// chat events (as the Control UI does). Its id is what ``FrameScan/connectId`` finds.
    static func connect(token: String?) -> ByteBuffer {
        let auth = token.map { #","auth":{"token":"\#(escaped($0))"}"# } ?? ""
        return ByteBuffer(string: #"""
            {"type":"req","id":"kbc","method":"connect","params":{"minProtocol":3,"maxProtocol":3,\#
            "scopes":["operator.admin"]\#(auth),\#
            "client":{"id":"kubeclaw-bench","version":"1.0.0","platform":"linux","mode":"cli"}}}
            """#)
    }

    /// `health`, with an id the answer carries back.
    static func health(id: String) -> ByteBuffer {
        ByteBuffer(string: #"{"type":"req","id":"\#(id)","method":"health","params":{}}"#)
    }

    /// `chat.send`; the run id is the idempotency key, so events of the run carry it.
    static func chatSend(runId: String, sessionKey: String) -> ByteBuffer {
        ByteBuffer(string: #"""
            {"type":"req","id":"\#(runId)","method":"chat.send","params":{"sessionKey":"\#(sessionKey)",\#
            "message":"measure me","deliver":false,"idempotencyKey":"\#(runId)"}}
            """#)
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

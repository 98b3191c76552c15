import Foundation
import GatewayClient
import GeneratedProtocol
import Locking

/// One WebSocket to the gateway under test: every frame it receives is inspected and logged,
/// requests are sent as raw text and matched to responses by id.
final class ObservedConnection: Sendable {
    let session: GatewaySession
    let log: FrameLog
    private let reader: Task<Void, Never>
    private let helloPayload = Locked<JSONValue?>(nil)

    private init(session: GatewaySession, log: FrameLog, reader: Task<Void, Never>) {
        self.session = session
        self.log = log
        self.reader = reader
    }

    /// Opens the WebSocket and starts watching it; returns once the first frame arrived or
    /// `challengeGrace` passed.
    static func open(url: URL, challengeGrace: Duration, inspector: FrameInspector) async throws -> ObservedConnection {
        var configuration = GatewaySessionConfiguration()
        configuration.challengeTimeout = challengeGrace
        let (session, _) = try await GatewaySession.open(url: url, configuration: configuration)
        let log = FrameLog()
        let reader = Task {
            for await frame in session.frames {
                log.append(frame, problem: inspector.inspect(frame))
            }
            log.finish()
        }
        return ObservedConnection(session: session, log: log, reader: reader)
    }

    /// ``open(url:challengeGrace:inspector:)`` at the run's URL; a socket that cannot be opened
    /// fails the case.
    static func open(_ configuration: ConformanceConfiguration, inspector: FrameInspector) async throws -> ObservedConnection {
        do {
            return try await open(url: configuration.url, challengeGrace: configuration.challengeGrace, inspector: inspector)
        } catch {
            throw CaseVerdict.fail("cannot open a WebSocket to \(configuration.url.absoluteString): \(error)")
        }
    }

    /// Sends `connect` with `params` and keeps hello-ok's payload (``hello``); a refusal fails
    /// the case, naming it.
    func handshake(params: JSONValue, timeout: Duration) async throws {
        let response = try await request(MethodName.connect.rawValue, params: params.description, timeout: timeout)
        guard response.json?["ok"]?.boolValue == true else {
            throw CaseVerdict.fail("the handshake was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
        setHello(response.json?["payload"])
    }

    /// Frames so far that broke the envelope or payload rules.
    var problems: [FrameProblem] { log.problems }

    /// The `hello-ok` payload of a successful handshake on this connection.
    var hello: JSONValue? { helloPayload.withLock { $0 } }

    func setHello(_ payload: JSONValue?) {
        helloPayload.withLock { $0 = payload }
    }

    /// The close code of the gateway's close frame (nil while open or when TCP just dropped).
    var closeCode: UInt16? { session.closeCode }
    var closeReason: String? { session.closeReason }

    /// "closed with 1008 \"reason\"" or "dropped without a close frame".
    var describeEnd: String {
        guard let code = closeCode else { return "the connection dropped without a close frame" }
        let reason = closeReason ?? ""
        return "the connection closed with \(code)" + (reason.isEmpty ? "" : " \"\(reason)\"")
    }

    /// Sends text as it is.
    func send(text: String) async throws {
        do {
            try await session.sendRaw(text: text)
        } catch {
            throw CaseVerdict.fail("could not send (\(describeEnd))")
        }
    }

    /// Sends a binary message.
    func send(binary: [UInt8]) async throws {
        do {
            try await session.connection.send(binary: binary)
        } catch {
            throw CaseVerdict.fail("could not send (\(describeEnd))")
        }
    }

    /// Sends a request and waits for the response with its id.
    func request(_ method: String, params: String, id: String = UUID().uuidString.lowercased(), timeout: Duration) async throws -> ReceivedFrame {
        try await send(text: FrameText.request(id: id, method: method, params: params))
        return try await response(to: id, method: method, timeout: timeout)
    }

    /// The response with `id`, waiting at most `timeout`.
    func response(to id: String, method: String, timeout: Duration) async throws -> ReceivedFrame {
        if let frame = await log.first(timeout: timeout, where: { FrameText.isResponse($0, id: id) }) { return frame }
        if log.snapshot.ended {
            throw CaseVerdict.fail("no response to `\(method)` (id \(id)): \(describeEnd)")
        }
        throw CaseVerdict.fail("no response to `\(method)` (id \(id)) within \(timeout)")
    }

    /// Ends the connection (close handshake, bounded) and waits until the log is complete.
    func close() async {
        await session.close()
        await reader.value
    }
}

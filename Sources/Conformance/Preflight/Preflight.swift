import Foundation
import GatewayClient
import GeneratedProtocol
import NIOCore
import NIOPosix

/// Before any case: TCP, the WebSocket upgrade, the challenge, and `connect` with the run's
/// credentials — each bounded, so that a gateway nothing can be tested against is explained
/// once, within ``worstCase``, instead of by a hundred cases timing out one by one.
///
/// With no `--protocol`, `connect` offers every version of the spec and the run speaks the one
/// hello-ok names (the newest the gateway accepts).
struct Preflight {
    var configuration: ConformanceConfiguration
    /// The version range `connect` offers.
    var protocols: ClosedRange<Int>

    static let tcpTimeout: Duration = .seconds(3)
    static let upgradeTimeout: Duration = .seconds(5)
    /// The longest `connect` may go unanswered (less when the run's `--timeout` is shorter).
    static let connectTimeout: Duration = .seconds(8)
    /// Every step at its limit, with the challenge grace: the preflight never takes longer.
    var worstCase: Duration { Self.tcpTimeout + Self.upgradeTimeout + configuration.challengeGrace + connectWait }

    private var connectWait: Duration { min(configuration.timeout, Self.connectTimeout) }

    func run() async -> PreflightReport {
        var steps: [PreflightReport.StepResult] = []
        let url = configuration.url
        let host = url.host ?? "?"
        let port = url.port ?? 80

        // TCP.
        var started = ContinuousClock.now
        if let failure = await Self.probeTCP(host: host, port: port) {
            steps.append(.init(step: .tcp, ok: false, detail: failure, durationMs: Self.since(started)))
            return PreflightReport(
                steps: steps, level: .unreachable,
                explanation: "cannot reach \(host):\(port): \(failure). Is the gateway running, and is this its WebSocket port (18789 by default)?")
        }
        steps.append(.init(step: .tcp, ok: true, detail: "connected to \(host):\(port)", durationMs: Self.since(started)))

        // The upgrade, and the first frame within the challenge grace.
        started = ContinuousClock.now
        var sessionConfiguration = GatewaySessionConfiguration()
        sessionConfiguration.webSocket.connectTimeout = Self.upgradeTimeout
        sessionConfiguration.challengeTimeout = configuration.challengeGrace
        let session: GatewaySession
        let challenge: ReceivedEvent?
        do {
            (session, challenge) = try await GatewaySession.open(url: url, configuration: sessionConfiguration)
        } catch {
            let (detail, hint) = Self.describeUpgradeFailure(error)
            steps.append(.init(step: .upgrade, ok: false, detail: detail, durationMs: Self.since(started)))
            return PreflightReport(steps: steps, level: .unreachable, explanation: "the WebSocket upgrade to \(url.absoluteString) failed: \(detail). \(hint)")
        }
        steps.append(.init(step: .upgrade, ok: true, detail: "101 Switching Protocols", durationMs: Self.since(started)))
        steps.append(.init(
            step: .challenge, ok: challenge != nil,
            detail: challenge != nil
                ? "connect.challenge was the first frame"
                : "no connect.challenge within \(configuration.challengeGrace.text) of the upgrade (connect is sent anyway, as the Control UI does)",
            durationMs: 0))
        let report = await connect(on: session, sawChallenge: challenge != nil, steps: steps)
        await session.close()
        return report
    }

    /// `connect` on the upgraded session, and the report that follows from its answer.
    private func connect(on session: GatewaySession, sawChallenge: Bool, steps: [PreflightReport.StepResult]) async -> PreflightReport {
        var steps = steps
        let started = ContinuousClock.now
        let id = "preflight-\(UUID().uuidString.prefix(8).lowercased())"
        let params = CaseDriver.connectParams(
            configuration: configuration, minProtocol: protocols.lowerBound, maxProtocol: protocols.upperBound, credentials: .none)
        let reply: ReceivedFrame?
        do {
            try await session.sendRaw(text: FrameText.request(id: id, method: MethodName.connect.rawValue, params: params.description))
            reply = try await Self.response(to: id, on: session, within: connectWait)
        } catch {
            reply = nil
        }
        guard let reply else {
            let ended = session.closeCode.map { "the gateway closed the connection with \($0)\(session.closeReason.map { " \"\($0)\"" } ?? "")" }
            let detail = ended ?? "no answer to connect within \(connectWait.text)"
            steps.append(.init(step: .connect, ok: false, detail: detail, durationMs: Self.since(started)))
            let challengeNote = sawChallenge ? "" : "no connect.challenge arrived and "
            return PreflightReport(
                steps: steps, level: .unreachable,
                explanation: "the handshake never completes: \(challengeNote)\(ended == nil ? "`connect` got no answer within \(connectWait.text)" : "after `connect` \(detail)"). "
                    + "An OpenClaw gateway sends connect.challenge right after the upgrade and answers connect with hello-ok or an error (docs/protocol.md, \"Handshake\"); nothing can be tested until it does.")
        }
        let json = reply.json
        guard json?["ok"]?.boolValue == true else {
            let answer = FrameText.describeResponse(reply)
            steps.append(.init(step: .connect, ok: false, detail: "refused: \(answer)", durationMs: Self.since(started)))
            return PreflightReport(
                steps: steps, level: .webSocket,
                explanation: "the gateway refused the runner's connect (\(answer)). \(Self.hint(for: json?["error"]))",
                excerpt: FrameText.excerpt(reply))
        }
        let negotiated = json?["payload"]?["protocol"]?.intValue
        let server = json?["payload"]?["server"]?["version"]?.stringValue
        steps.append(.init(
            step: .connect, ok: true,
            detail: "hello-ok, protocol \(negotiated.map(String.init) ?? "?")" + (server.map { ", server \($0)" } ?? ""),
            durationMs: Self.since(started)))
        return PreflightReport(steps: steps, level: .handshake, negotiatedProtocol: negotiated, serverVersion: server)
    }

    // MARK: Steps

    /// nil when a TCP connection opened within ``tcpTimeout``; else what went wrong.
    private static func probeTCP(host: String, port: Int) async -> String? {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount.milliseconds(Int64(tcpTimeout.milliseconds)))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch let error as ChannelError where error == .connectTimeout(.milliseconds(Int64(tcpTimeout.milliseconds))) {
            return "TCP connect timed out after \(tcpTimeout.text)"
        } catch {
            return "TCP connect failed (\(describe(error)))"
        }
    }

    /// The system's reason (`Connection refused (errno: 111)`) rather than NIO's whole error value.
    private static func describe(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            return describe(first.error)
        }
        if let io = error as? IOError {
            return "\(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
        }
        return "\(error)"
    }

    private static func describeUpgradeFailure(_ error: any Error) -> (detail: String, hint: String) {
        switch error as? WebSocketConnectionError {
        case .upgradeRefused(let status, let reason, let body)?:
            let excerpt = body.isEmpty ? "" : ": \(body.prefix(200))"
            let hint = switch status {
            case 401, 403: "An Origin, path or credential check in front of the gateway? The runner sends no Origin header."
            case 404: "Is the gateway's WebSocket on another path? Put it in --url."
            default: "Is this the gateway's WebSocket port?"
            }
            return ("HTTP \(status) \(reason)\(excerpt)", hint)
        case .timedOut?:
            return ("no 101 within \(upgradeTimeout.text)", "TCP connects but nothing answers the upgrade: is this an HTTP/WebSocket port of the gateway?")
        case .handshakeFailed(let why)?:
            return ("invalid upgrade response (\(why))", "Something other than a WebSocket server answered.")
        case .connectFailed(let why)?:
            return ("TCP connect failed (\(why))", "Is the gateway running?")
        case let other?:
            return (other.description, "")
        case nil:
            return ("\(error)", "")
        }
    }

    /// What to check for a refused `connect`, from its error code and details.
    private static func hint(for error: JSONValue?) -> String {
        let code = error?["code"]?.stringValue ?? ""
        let text = (error?.description ?? "").lowercased()
        if text.contains("protocol") {
            return "The gateway does not speak this protocol range: try --protocol with a version it accepts (the error's details may list them)."
        }
        if text.contains("token") || text.contains("password") || text.contains("auth") || text.contains("credential") {
            return "Check --token (or OPENCLAW_GATEWAY_TOKEN): the handshake cases that expect a refusal still run, nothing that needs a session does."
        }
        if code == ConformanceSuite.rateLimitErrorCode {
            return "The gateway is rate limiting or locking out this client: wait, or run it with looser limits."
        }
        return "Only the handshake cases that expect a refusal can run."
    }

    /// The response with `id`, or nil after `timeout` or when the connection ends.
    private static func response(to id: String, on session: GatewaySession, within timeout: Duration) async throws -> ReceivedFrame? {
        try await withThrowingTaskGroup(of: ReceivedFrame?.self) { group in
            group.addTask {
                for await frame in session.frames where FrameText.isResponse(frame, id: id) {
                    return frame
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private static func since(_ start: ContinuousClock.Instant) -> Int {
        (ContinuousClock.now - start).milliseconds
    }
}

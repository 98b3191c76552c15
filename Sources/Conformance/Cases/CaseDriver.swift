import Foundation
import GatewayClient
import GeneratedProtocol

/// Runs one case: opens the connections it needs, sends what the case says, judges what comes
/// back. Steps throw ``CaseVerdict`` to fail or skip; returning means the case passed. One task
/// uses a driver, from start to ``finish()``.
final class CaseDriver {
    let testCase: ConformanceCase
    let configuration: ConformanceConfiguration
    let inspector: FrameInspector
    let rateLimits: RateLimitMemory
    /// Extra findings for the report (an accepted declared error, rate-limit waits).
    var notes: [String] = []
    private(set) var connections: [ObservedConnection] = []
    private var rateLimitWait: Duration = .zero

    init(testCase: ConformanceCase, configuration: ConformanceConfiguration, ledger: EventLedger, rateLimits: RateLimitMemory) {
        self.testCase = testCase
        self.configuration = configuration
        self.inspector = FrameInspector(ledger: ledger, caseId: testCase.id, protocolVersion: configuration.protocolVersion)
        self.rateLimits = rateLimits
    }

    var timeout: Duration { configuration.timeout }

    /// Runs the case's steps.
    func run() async throws {
        switch testCase.kind {
        case .challengeFirst(let event, let payloadSchema):
            try await challengeFirst(event: event, payloadSchema: payloadSchema)
        case .requestBeforeConnect(let request, let rejection):
            try await requestBeforeConnect(request, rejection)
        case .rejectedCredentials(let fault, let rejection):
            try await rejectedCredentials(fault, rejection)
        case .protocolMismatch(let minProtocol, let maxProtocol, let rejection):
            try await protocolMismatch(minProtocol: minProtocol, maxProtocol: maxProtocol, rejection)
        case .negotiation(let minProtocol, let maxProtocol, let expected, let resultSchema):
            try await negotiation(minProtocol: minProtocol, maxProtocol: maxProtocol, expected: expected, resultSchema: resultSchema)
        case .unknownMethod(let request, let rejection, let probe):
            try await unknownMethod(request, rejection, probe: probe)
        case .malformedFrame(let text, let rejection, let replyRequired, let probe):
            try await unanswerable(.text(text), rejection, replyRequired: replyRequired, probe: probe)
        case .binaryFrame(let bytes, let rejection, let probe):
            try await unanswerable(.binary(bytes), rejection, replyRequired: false, probe: probe)
        case .oversizeMessage(let maxPayload, let closeCode):
            try await oversizeMessage(maxPayload: maxPayload, closeCode: closeCode)
        case .responseIdEcho(let request, let ids):
            try await responseIdEcho(request, ids: ids)
        case .sequenceIncreasing(let triggers, let run):
            try await sequenceIncreasing(triggers: triggers, run: run)
        case .connectExample(let params, let resultSchema, let accepted):
            try await connectExample(params: params, resultSchema: resultSchema, accepted: accepted)
        case .connectRejected(let params, let rejection):
            try await connectRejected(params: params, rejection)
        case .validExample(let request, let resultSchema, let acceptedErrors):
            try await validExample(request, resultSchema: resultSchema, acceptedErrors: acceptedErrors)
        case .invalidExample(let request, let rejection, let probe):
            try await invalidExample(request, rejection, probe: probe)
        case .chatOrdering(let run):
            try await chatOrdering(run)
        case .abortDuringStream(let run, let abort, let history):
            try await abortDuringStream(run, abort, history: history)
        case .historyContainsExchange(let run, let history):
            try await historyContainsExchange(run, history)
        case .eventOrder(let rule, let run):
            try await eventOrder(rule, run)
        case .eventPayloads:
            // Judged by the runner from the whole run's observations.
            break
        }
    }

    /// Closes every connection and returns the first frame problem seen on any of them.
    func finish() async -> FrameProblem? {
        for connection in connections { await connection.close() }
        if rateLimitWait > .zero { notes.append("waited \(rateLimitWait.text) for the gateway's rate limit") }
        return connections.lazy.compactMap(\.problems.first).first
    }

    // MARK: Connections

    /// A WebSocket, nothing sent yet.
    func open() async throws -> ObservedConnection {
        let connection = try await ObservedConnection.open(configuration, inspector: inspector)
        connections.append(connection)
        return connection
    }

    /// A WebSocket past the handshake, with the runner's credentials.
    func connected() async throws -> ObservedConnection {
        let connection = try await open()
        try await connection.handshake(params: connectParams(), timeout: timeout)
        return connection
    }

    /// The handshake params the runner sends: the configured protocol version, a CLI client
    /// (or `clientId` in `mode`), every scope, the token when there is one. `auth` is replaced
    /// by `credentials` when given.
    func connectParams(minProtocol: Int? = nil, maxProtocol: Int? = nil, credentials: ConnectParams.Auth?? = .none) -> JSONValue {
        Self.connectParams(configuration: configuration, minProtocol: minProtocol, maxProtocol: maxProtocol, credentials: credentials)
    }

    /// ``connectParams(minProtocol:maxProtocol:credentials:)`` for `configuration` (the preflight's too).
    static func connectParams(
        configuration: ConformanceConfiguration, minProtocol: Int?, maxProtocol: Int?, credentials: ConnectParams.Auth??,
        clientId: String = "cli", mode: String = "cli"
    ) -> JSONValue {
        let minProtocol = minProtocol ?? configuration.protocolVersion
        let maxProtocol = maxProtocol ?? configuration.protocolVersion
        let auth = credentials ?? configuration.token.map { ConnectParams.Auth(token: $0) }
        let params = ConnectParams(
            auth: auth,
            client: .init(id: .init(rawValue: clientId), instanceId: configuration.instanceId, mode: .init(rawValue: mode),
                          platform: platform, version: configuration.clientVersion),
            maxProtocol: maxProtocol, minProtocol: minProtocol, role: "operator", scopes: Scope.allCases.map(\.rawValue))
        return (try? JSONValue(encoding: params)) ?? [:]
    }

    static var platform: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "darwin"
        #else
        "unknown"
        #endif
    }

    // MARK: Requests

    /// A request, waiting out the gateway's rate limit as a well-behaved client would: a
    /// rate-limited answer with `retryAfterMs` is retried after that long, up to
    /// ``ConformanceConfiguration/maxRateLimitWait`` per case.
    func call(_ connection: ObservedConnection, _ method: String, params: String) async throws -> ReceivedFrame {
        while true {
            let response = try await connection.request(method, params: params, timeout: timeout)
            guard let wait = Self.rateLimitDelay(response), rateLimitWait + wait <= configuration.maxRateLimitWait else {
                return response
            }
            rateLimitWait += wait
            rateLimits.record(wait)
            try? await Task.sleep(for: wait)
        }
    }

    /// When the gateway has rate-limited this run, waits twice its last `retryAfterMs` (once per
    /// write about to be sent back to back), so that neither is held up.
    func makeRoomForTwoWrites() async {
        guard let delay = rateLimits.last else { return }
        rateLimitWait += delay * 2
        try? await Task.sleep(for: delay * 2)
    }

    private static func rateLimitDelay(_ response: ReceivedFrame) -> Duration? {
        guard let json = response.json, json["ok"]?.boolValue == false,
              json["error"]?["code"]?.stringValue == ConformanceSuite.rateLimitErrorCode,
              json["error"]?["retryable"]?.boolValue == true,
              let retryAfter = json["error"]?["retryAfterMs"]?.intValue
        else { return nil }
        return .milliseconds(max(retryAfter, 0) + 25)
    }

    // MARK: Judging

    /// The response must be `ok: false` with the rejection's code, then the connection must close
    /// with its close code, or stay open (the probe is still answered).
    func expect(_ response: ReceivedFrame, _ rejection: ConformanceRejection, on connection: ObservedConnection, probe: ConformanceRequest? = nil) async throws {
        let excerpt = FrameText.excerpt(response)
        guard response.json?["ok"]?.boolValue == false else {
            throw CaseVerdict.fail("expected \(rejection.code), got \(FrameText.describeResponse(response))", excerpt: excerpt)
        }
        let code = response.json?["error"]?["code"]?.stringValue
        guard code == rejection.code else {
            throw CaseVerdict.fail("expected error \(rejection.code), got \(FrameText.describeResponse(response))", excerpt: excerpt)
        }
        if let detailsCode = rejection.detailsCode {
            let found = response.json?["error"]?["details"]?["code"]?.stringValue
            guard found == detailsCode else {
                throw CaseVerdict.fail(
                    "expected error details.code \(detailsCode), got \(found.map { "\"\($0)\"" } ?? "none")", excerpt: excerpt)
            }
        }
        try expectDetails(of: response, rejection)
        if let closeCode = rejection.closeCode {
            try await expectClose(connection, code: closeCode, after: "the \(rejection.code) response")
        } else if let probe {
            try await expectOpen(connection, probe: probe, after: "the \(rejection.code) response")
        }
    }

    /// When the error carries `details`, they must hold the rejection's values (`reason`,
    /// `path`); an error without `details` is noted, not failed (OpenClaw sends none for
    /// invalid params).
    func expectDetails(of response: ReceivedFrame, _ rejection: ConformanceRejection) throws {
        guard !rejection.details.isEmpty else { return }
        let expected = rejection.details.map { "\($0.pointer.dropFirst())=\($0.value)" }.joined(separator: ", ")
        guard let details = response.json?["error"]?["details"], details != .null else {
            notes.append("no error.details sent (when sent, they must hold \(expected))")
            return
        }
        for match in rejection.details {
            let found = FrameText.value(at: match.pointer, in: details)
            guard let wanted = try? JSONValue.parse(Data(match.value.utf8)), found == wanted else {
                throw CaseVerdict.fail(
                    "expected error details.\(match.pointer.dropFirst()) \(match.value), got \(found.map(\.description) ?? "none")",
                    excerpt: FrameText.excerpt(response))
            }
        }
        notes.append("error.details hold \(expected)")
    }

    /// The connection must close with `code` within the timeout.
    func expectClose(_ connection: ObservedConnection, code: Int, after what: String) async throws {
        guard await connection.log.waitForEnd(timeout: timeout) else {
            throw CaseVerdict.fail("the connection stayed open \(timeout.text) after \(what); expected close \(code)")
        }
        guard connection.closeCode.map(Int.init) == code else {
            throw CaseVerdict.fail("after \(what) \(connection.describeEnd); expected close \(code)")
        }
    }

    /// The connection must still answer `probe`.
    func expectOpen(_ connection: ObservedConnection, probe: ConformanceRequest, after what: String) async throws {
        if connection.log.snapshot.ended {
            throw CaseVerdict.fail("after \(what) \(connection.describeEnd); the connection must stay open")
        }
        let response = try await connection.request(probe.method, params: probe.params, timeout: timeout)
        guard response.json?["ok"]?.boolValue == true else {
            throw CaseVerdict.fail("after \(what), `\(probe.method)` was answered \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
    }

    /// The `ok` payload must be valid against `schema` (in the protocol version of the run, or `version`).
    func expectValid(_ payload: JSONValue?, schema: String, of what: String, frame: ReceivedFrame, protocol version: Int? = nil) throws {
        let version = version ?? configuration.protocolVersion
        if let violation = SchemaValidator.spec.firstViolation(of: payload ?? .null, against: .ref(schema), protocol: version) {
            throw CaseVerdict.fail("\(what) (\(schema)) \(violation)", excerpt: FrameText.excerpt(frame))
        }
    }
}

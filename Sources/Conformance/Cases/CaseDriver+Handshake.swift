import Foundation
import GatewayClient
import GeneratedProtocol

/// The handshake cases: the challenge, the first request, credentials, protocol range, and
/// the spec's `connect` examples.
extension CaseDriver {
    func challengeFirst(event: String, payloadSchema: String) async throws {
        let connection = try await open()
        guard let first = await connection.log.first(timeout: timeout, where: { _ in true }) else {
            throw CaseVerdict.fail("no \(event): no frame within \(timeout.text) of the upgrade (\(connection.log.snapshot.ended ? connection.describeEnd : "connection still open"))")
        }
        guard FrameText.isEvent(first, named: event) else {
            throw CaseVerdict.fail("no \(event): the first frame was \(FrameText.describeKind(first))", excerpt: FrameText.excerpt(first))
        }
        try expectValid(first.json?["payload"], schema: payloadSchema, of: "\(event) payload", frame: first)
        if let seq = first.json?["seq"] {
            throw CaseVerdict.fail("\(event) carries seq \(seq); it is never sequenced", excerpt: FrameText.excerpt(first))
        }
    }

    func requestBeforeConnect(_ request: ConformanceRequest, _ rejection: ConformanceRejection) async throws {
        let connection = try await open()
        let response = try await connection.request(request.method, params: request.params, timeout: timeout)
        try await expect(response, rejection, on: connection)
    }

    func rejectedCredentials(_ fault: ConformanceCredentialFault, _ rejection: ConformanceRejection) async throws {
        guard let token = configuration.token else {
            throw CaseVerdict.skip("no --token: without the gateway's token a wrong one cannot be told from the right one")
        }
        let connection = try await open()
        let auth: ConnectParams.Auth? = fault == .missing ? nil : ConnectParams.Auth(token: token + "-not-the-token")
        let response = try await connection.request(
            MethodName.connect.rawValue, params: connectParams(credentials: .some(auth)).description, timeout: timeout)
        try await expect(response, rejection, on: connection)
    }

    func protocolMismatch(minProtocol: Int, maxProtocol: Int, _ rejection: ConformanceRejection) async throws {
        let connection = try await open()
        let params = connectParams(minProtocol: minProtocol, maxProtocol: maxProtocol)
        let response = try await connection.request(MethodName.connect.rawValue, params: params.description, timeout: timeout)
        try await expect(response, rejection, on: connection)
    }

    /// The handshake with `[minProtocol, maxProtocol]` must succeed in protocol `expected`, with a
    /// hello-ok valid in that version.
    func negotiation(minProtocol: Int, maxProtocol: Int, expected: Int, resultSchema: String) async throws {
        let connection = try await open()
        let params = connectParams(minProtocol: minProtocol, maxProtocol: maxProtocol)
        let response = try await connection.request(MethodName.connect.rawValue, params: params.description, timeout: timeout)
        guard response.json?["ok"]?.boolValue == true else {
            throw CaseVerdict.fail(
                "protocol range [\(minProtocol), \(maxProtocol)] was refused: \(FrameText.describeResponse(response))",
                excerpt: FrameText.excerpt(response))
        }
        let negotiated = response.json?["payload"]?["protocol"]?.intValue
        guard negotiated == expected else {
            throw CaseVerdict.fail(
                "protocol range [\(minProtocol), \(maxProtocol)] gave protocol \(negotiated.map(String.init) ?? "?"), expected \(expected)",
                excerpt: FrameText.excerpt(response))
        }
        try expectValid(response.json?["payload"], schema: resultSchema, of: "hello-ok result", frame: response, protocol: expected)
    }

    /// The example's params with the runner's credentials in place of the example's (a real
    /// gateway does not know the example's token) and without `device`: its signature covers a
    /// nonce the gateway never issued, and the runner holds no device key to sign a new one.
    func connectExample(params: String, resultSchema: String, accepted: [ConformanceRejection]) async throws {
        let credentials: JSONValue? = configuration.token.map { ["token": .string($0)] }
        guard let text = FrameText.params(params, setting: ["auth": credentials, "device": nil]) else {
            throw CaseVerdict.fail("the example's params are not an object")
        }
        let connection = try await open()
        let response = try await connection.request(MethodName.connect.rawValue, params: text, timeout: timeout)
        if response.json?["ok"]?.boolValue == true {
            // Judged by the version the gateway chose for the example's range.
            let negotiated = response.json?["payload"]?["protocol"]?.intValue
            try expectValid(response.json?["payload"], schema: resultSchema, of: "hello-ok result", frame: response, protocol: negotiated)
            return
        }
        let code = response.json?["error"]?["code"]?.stringValue
        guard let rejection = accepted.first(where: { $0.code == code }) else {
            throw CaseVerdict.fail("the handshake was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
        try await expect(response, rejection, on: connection)
        notes.append("refused with a declared error, accepted because the example depends on gateway state: \(FrameText.describeResponse(response))")
    }

    func connectRejected(params: String, _ rejection: ConformanceRejection) async throws {
        let connection = try await open()
        let response = try await connection.request(MethodName.connect.rawValue, params: params, timeout: timeout)
        try await expect(response, rejection, on: connection)
    }
}

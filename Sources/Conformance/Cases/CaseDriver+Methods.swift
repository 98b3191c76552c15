import GatewayClient
import GeneratedProtocol

/// The method cases: the spec's examples and invalid examples, sent as they are.
extension CaseDriver {
    /// `ok` with a result valid against the schema; or, when the example depends on gateway
    /// state (`acceptedErrors` not empty), one of the method's declared error codes.
    func validExample(_ request: ConformanceRequest, resultSchema: String, acceptedErrors: [String]) async throws {
        let connection = try await connected()
        let response = try await call(connection, request.method, params: request.params)
        if response.json?["ok"]?.boolValue == true {
            try expectValid(response.json?["payload"], schema: resultSchema, of: "\(request.method) result", frame: response)
            return
        }
        let code = response.json?["error"]?["code"]?.stringValue
        guard let code, acceptedErrors.contains(code) else {
            throw CaseVerdict.fail("expected ok, got \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
        notes.append("answered with a declared error, accepted because the example depends on gateway state: \(FrameText.describeResponse(response))")
    }

    /// `ok: false` with the example's error code; the connection stays open and usable: it
    /// answers `probe` with `ok`.
    func invalidExample(_ request: ConformanceRequest, _ rejection: ConformanceRejection, probe: ConformanceRequest?) async throws {
        let connection = try await connected()
        let response = try await call(connection, request.method, params: request.params)
        try await expect(response, rejection, on: connection, probe: probe)
        if connection.log.snapshot.ended {
            throw CaseVerdict.fail("after the \(rejection.code) response \(connection.describeEnd); the connection must stay open")
        }
    }
}

import Foundation
import GeneratedProtocol

/// A connection with another client id and mode than the runner's own `cli` ones: a client the
/// gateway tracks for presence (the Control UI's), whose arrival makes it send `presence`.
enum TrackedClient {
    /// Connects with the run's credentials as `clientId` in `mode`; the caller closes it.
    static func connect(
        configuration: ConformanceConfiguration, ledger: EventLedger, clientId: String, mode: String
    ) async throws -> ObservedConnection {
        let inspector = FrameInspector(ledger: ledger, caseId: "the `\(mode)` client of the presence trigger", protocolVersion: configuration.protocolVersion)
        let connection: ObservedConnection
        do {
            connection = try await ObservedConnection.open(url: configuration.url, challengeGrace: configuration.challengeGrace, inspector: inspector)
        } catch {
            throw CaseVerdict.fail("cannot open a WebSocket to \(configuration.url.absoluteString): \(error)")
        }
        var params = CaseDriver.connectParams(configuration: configuration, minProtocol: nil, maxProtocol: nil, credentials: .none)
        if case .object(var members) = params, case .object(var client)? = members["client"] {
            client["id"] = .string(clientId)
            client["mode"] = .string(mode)
            members["client"] = .object(client)
            params = .object(members)
        }
        let response = try await connection.request(MethodName.connect.rawValue, params: params.description, timeout: configuration.timeout)
        guard response.json?["ok"]?.boolValue == true else {
            await connection.close()
            throw CaseVerdict.fail("a `\(clientId)` client in mode `\(mode)` was refused: \(FrameText.describeResponse(response))", excerpt: FrameText.excerpt(response))
        }
        return connection
    }
}

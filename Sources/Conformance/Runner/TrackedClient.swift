import Foundation

/// A connection with another client id and mode than the runner's own `cli` ones: a client the
/// gateway tracks for presence (the Control UI's), whose arrival makes it send `presence`.
enum TrackedClient {
    /// Connects with the run's credentials as `clientId` in `mode`; the caller closes it.
    static func connect(
        configuration: ConformanceConfiguration, ledger: EventLedger, clientId: String, mode: String
    ) async throws -> ObservedConnection {
        let inspector = FrameInspector(ledger: ledger, caseId: "the `\(mode)` client of the presence trigger", protocolVersion: configuration.protocolVersion)
        let connection = try await ObservedConnection.open(configuration, inspector: inspector)
        let params = CaseDriver.connectParams(
            configuration: configuration, minProtocol: nil, maxProtocol: nil, credentials: .none, clientId: clientId, mode: mode)
        do {
            try await connection.handshake(params: params, timeout: configuration.timeout)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }
}

import Foundation
import GatewayClient
import GeneratedProtocol

/// The connection the runner keeps open for the whole run, past the handshake with the run's
/// credentials: it sees what no single case lives long enough for (a `tick` every 30 s,
/// broadcasts), feeds the run's ``EventLedger`` like every case's connection, and is where the
/// event triggers wait for the events they provoke.
final class EventWatcher: Sendable {
    private let connection: ObservedConnection

    private init(connection: ObservedConnection) {
        self.connection = connection
    }

    /// Connects, or returns nil when the gateway does not complete a handshake (the preflight
    /// says why; the event cases then judge what the cases' own connections saw).
    static func open(configuration: ConformanceConfiguration, ledger: EventLedger) async -> EventWatcher? {
        let inspector = FrameInspector(ledger: ledger, caseId: "the run's watcher connection", protocolVersion: configuration.protocolVersion)
        guard let connection = try? await ObservedConnection.open(configuration, inspector: inspector) else { return nil }
        let params = CaseDriver.connectParams(configuration: configuration, minProtocol: nil, maxProtocol: nil, credentials: .none)
        do {
            try await connection.handshake(params: params, timeout: configuration.timeout)
        } catch {
            await connection.close()
            return nil
        }
        return EventWatcher(connection: connection)
    }

    /// The hello-ok payload of the watcher's handshake.
    var hello: JSONValue? { connection.hello }

    /// Waits until an `event` frame arrives (or has arrived) on the watcher; false on timeout.
    func waitForEvent(_ event: String, timeout: Duration) async -> Bool {
        await connection.log.first(timeout: timeout, where: { FrameText.isEvent($0, named: event) }) != nil
    }

    /// Waits for the watcher's connection to end; false when it is still open after `timeout`.
    func waitForClose(timeout: Duration) async -> Bool {
        await connection.log.waitForEnd(timeout: timeout)
    }

    var closeCode: UInt16? { connection.closeCode }
    var endDescription: String { connection.describeEnd }

    func close() async {
        await connection.close()
    }
}

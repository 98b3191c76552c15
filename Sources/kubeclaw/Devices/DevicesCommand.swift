import ArgumentParser
import Foundation
import GatewayImpl
import Logging
import PostgresStore

/// `kubeclaw devices list|revoke`: the devices that connected with the gateway's shared secret
/// and were issued a device token (see docs/devices.md).
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the approved devices or revoke their tokens.",
        subcommands: [List.self, Revoke.self])

    struct StoreOptions: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "The gateway's state directory (env KUBECLAW_DATA_DIR; default ./.kubeclaw).")
        var dataDirectory: String?

        @Option(name: .customLong("database-url"), help: "The PostgreSQL store the gateway replicas share (env DATABASE_URL, preferred); wins over --data-dir.")
        var databaseURL: String?

        /// The gateway's store: the shared database when a URL is given, else the SQLite file.
        func open() async throws -> any SessionStore {
            let environment = ProcessInfo.processInfo.environment
            if let text = databaseURL ?? environment["DATABASE_URL"] {
                let url: DatabaseURL
                do {
                    url = try DatabaseURL(text)
                } catch {
                    throw ValidationError("--database-url (DATABASE_URL): \(error)")
                }
                var logger = Logger(label: "kubeclaw.devices")
                logger.logLevel = .warning
                var settings = PostgresSessionStore.Settings()
                settings.startupTimeout = .seconds(10)
                return try await PostgresSessionStore(url: url, settings: settings, logger: logger)
            }
            return try SQLiteSessionStore(directory: dataDirectory ?? environment["KUBECLAW_DATA_DIR"] ?? "./.kubeclaw")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices, most recently seen first, with their tokens per role.")

        @OptionGroup var store: StoreOptions
        @Flag(help: "One JSON object per device.") var json = false

        func run() async throws {
            let store = try await store.open()
            let devices = try await store.devices()
            try await store.close()
            if json {
                for device in devices { print(DeviceListing.json(device)) }
            } else {
                print(DeviceListing.table(devices))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke every live token of a device; it must connect with the shared secret again to get a new one.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The device id (or a unique prefix of it, at least 8 characters).") var device: String

        func run() async throws {
            let store = try await store.open()
            let matches = try await store.devices().filter { $0.id.hasPrefix(device.lowercased()) }
            guard device.count >= 8, matches.count == 1, let target = matches.first else {
                try await store.close()
                throw ValidationError(matches.isEmpty || device.count < 8
                    ? "no device with id \(device) (give at least 8 characters of an id from `kubeclaw devices list`)"
                    : "\(device) matches \(matches.count) devices; give more of the id")
            }
            let revoked = try await store.revokeDevice(id: target.id, at: Int64(Date().timeIntervalSince1970 * 1000))
            try await store.close()
            print(revoked > 0 ? "revoked \(revoked) token(s) of \(target.id)" : "\(target.id) had no live token")
        }
    }
}

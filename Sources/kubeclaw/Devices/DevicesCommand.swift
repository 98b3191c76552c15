import ArgumentParser
import Foundation
import GatewayImpl

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

        func open() throws -> SQLiteSessionStore {
            let directory = dataDirectory ?? ProcessInfo.processInfo.environment["KUBECLAW_DATA_DIR"] ?? "./.kubeclaw"
            return try SQLiteSessionStore(directory: directory)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices, most recently seen first, with their tokens per role.")

        @OptionGroup var store: StoreOptions
        @Flag(help: "One JSON object per device.") var json = false

        func run() async throws {
            let store = try store.open()
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
            let store = try store.open()
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

import Configuration
import Foundation

/// Reads ``ServeSetting``s through swift-configuration: the parsed flags, then the environment
/// (each setting under its own variable name), then the config file's values; and turns their
/// text into checked values, with one message shape for every problem.
struct SettingsReader {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    private let reader: ConfigReader

    /// `flags` are the values given on the command line, by setting; `file` the config file's.
    init(flags: [ServeSetting: String], environment: [String: String], file: [ServeSetting: String] = [:]) {
        let byKey = Dictionary(uniqueKeysWithValues: ServeSetting.all.map { ($0.key, $0) })
        let secrets = Set(ServeSetting.all.filter(\.isSecret).map(\.environment))
        reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: Self.values(flags)),
            // Each key is looked up under its setting's variable (`gateway.port` → KUBECLAW_PORT).
            KeyMappingProvider(
                upstream: EnvironmentVariablesProvider(
                    environmentVariables: environment.filter { !$0.value.isEmpty }, secretsSpecifier: .specific(secrets)),
                keyMapper: { key in
                    guard let setting = byKey[key.components.joined(separator: ".")] else { return key }
                    return AbsoluteConfigKey(setting.environment.lowercased().split(separator: "_").map(String.init))
                }),
            InMemoryProvider(name: "config file", values: Self.values(file)),
        ])
    }

    private static func values(_ settings: [ServeSetting: String]) -> [AbsoluteConfigKey: ConfigValue] {
        Dictionary(uniqueKeysWithValues: settings.map { setting, value in
            (AbsoluteConfigKey(setting.key.split(separator: ".").map(String.init)), ConfigValue(.string(value), isSecret: setting.isSecret))
        })
    }

    /// The text of `setting`, from the first source that has it.
    func string(_ setting: ServeSetting) -> String? {
        reader.string(forKey: ConfigKey(setting.key), isSecret: setting.isSecret).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A comma-separated list (a repeatable flag is joined with commas first); empty items dropped.
    func list(_ setting: ServeSetting) -> [String]? {
        string(setting).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func integer(_ setting: ServeSetting, in range: ClosedRange<Int>, _ rule: String) throws -> Int? {
        guard let text = string(setting) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw Problem(description: "\(setting.label) must be \(rule), got '\(text)'")
        }
        return value
    }

    /// Seconds, fractions allowed, in `range` (bounded, so converting to a Duration cannot trap).
    func seconds(_ setting: ServeSetting, in range: ClosedRange<Double>, _ rule: String) throws -> Duration? {
        guard let text = string(setting) else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            throw Problem(description: "\(setting.label) must be \(rule), got '\(text)'")
        }
        return .milliseconds(Int((value * 1000).rounded(.up)))
    }

    func bool(_ setting: ServeSetting) throws -> Bool? {
        guard let text = string(setting) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem(description: "\(setting.label) must be true or false, got '\(text)'")
        }
    }

    /// A value of one of `choices` (raw values).
    func choice<T: RawRepresentable>(_ setting: ServeSetting, _ type: T.Type, choices: String) throws -> T? where T.RawValue == String {
        guard let text = string(setting) else { return nil }
        guard let value = T(rawValue: text) else { throw Problem(description: "\(setting.label) must be \(choices), got '\(text)'") }
        return value
    }
}

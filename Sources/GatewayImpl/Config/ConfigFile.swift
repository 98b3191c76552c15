import Crypto
import Foundation
import GeneratedProtocol

/// The `--config` file (the ConfigMap in Kubernetes): strict JSON,
/// `{"agent": {...}, "ollama": {...}, "providers": {...}, "sessions": {...}}`. Read once at start-up.
public struct ConfigFile: Sendable {
    /// A problem in the file, with the JSON path it is at.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public var path: String?
    /// The file's text as read; nil when there is no file.
    public var raw: String?
    /// The parsed file; nil when missing or not JSON.
    public var parsed: JSONValue?
    public var agent = AgentConfiguration()
    public var generation = ModelGenerationOptions()
    /// `ollama.url` from the file, if set.
    public var ollamaURL: String?
    /// `sessions.retentionDays`: sessions idle this many days are deleted (0 keeps them).
    public var sessionRetentionDays: Int?
    /// `sessions.maxMessages`: the longest transcript kept (0 keeps every message).
    public var maxMessagesPerSession: Int?
    /// `providers.<name>`: hosted and OpenAI-compatible model providers (see docs/providers.md).
    public var providers: [ProviderFileEntry] = []
    /// Errors: the file cannot be used as it is.
    public var issues: [Issue] = []
    /// Things that are ignored (unknown keys).
    public var warnings: [Issue] = []

    public var exists: Bool { raw != nil }
    public var isValid: Bool { issues.isEmpty }

    /// SHA-256 hex of the raw text (of "" when there is no file), as OpenClaw's `config.get.hash`.
    public var hash: String {
        SHA256.hash(data: Data((raw ?? "").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public init() {}

    /// Reads and checks `path`; a missing path gives the defaults. Never throws: problems are
    /// issues, so start-up can print all of them.
    public static func load(path: String?) -> ConfigFile {
        var file = ConfigFile()
        file.path = path
        guard let path else { return file }
        guard let data = FileManager.default.contents(atPath: path) else {
            file.issues.append(Issue(path: "/", message: "cannot read config file \(path)"))
            return file
        }
        return parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String?) -> ConfigFile {
        var file = ConfigFile()
        file.path = path
        file.raw = String(decoding: data, as: UTF8.self)
        guard let value = try? JSONValue.parse(data) else {
            file.issues.append(Issue(path: "/", message: "not valid JSON (the config file must be strict JSON)"))
            return file
        }
        file.parsed = value
        guard let root = value.objectValue else {
            file.issues.append(Issue(path: "/", message: "must be an object"))
            return file
        }
        for key in root.keys.sorted() where !["agent", "ollama", "providers", "sessions"].contains(key) {
            file.warnings.append(Issue(path: "/\(key)", message: "unknown key, ignored"))
        }
        if let agent = root["agent"] { file.readAgent(agent) }
        if let ollama = root["ollama"] { file.readOllama(ollama) }
        if let providers = root["providers"] { file.readProviders(providers) }
        if let sessions = root["sessions"] { file.readSessions(sessions) }
        return file
    }

    private mutating func readAgent(_ value: JSONValue) {
        guard let object = value.objectValue else {
            issues.append(Issue(path: "/agent", message: "must be an object"))
            return
        }
        let fields: [(String, WritableKeyPath<AgentConfiguration, String>)] = [
            ("model", \.model), ("name", \.name), ("description", \.description),
        ]
        for (key, keyPath) in fields {
            guard let member = object[key] else { continue }
            guard let text = member.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                issues.append(Issue(path: "/agent/\(key)", message: "must be a non-empty string"))
                continue
            }
            agent[keyPath: keyPath] = text
        }
        let optionalFields: [(String, WritableKeyPath<AgentConfiguration, String?>)] = [
            ("emoji", \.emoji), ("avatar", \.avatar), ("instructions", \.instructions),
        ]
        for (key, keyPath) in optionalFields {
            guard let member = object[key] else { continue }
            guard let text = member.stringValue else {
                issues.append(Issue(path: "/agent/\(key)", message: "must be a string"))
                continue
            }
            agent[keyPath: keyPath] = text
        }
        if let member = object["id"] {
            if let text = member.stringValue, let id = SessionKey.normalizedAgentId(text), id == text {
                agent.id = id
            } else {
                issues.append(Issue(path: "/agent/id", message: "must match ^[a-z0-9][a-z0-9_-]{0,63}$"))
            }
        }
        if let member = object["fallbacks"] {
            let models = member.arrayValue?.compactMap { $0.stringValue?.trimmingCharacters(in: .whitespaces) } ?? []
            if let count = member.arrayValue?.count, models.count == count, count <= 8, !models.contains(where: \.isEmpty) {
                agent.fallbacks = models
            } else {
                issues.append(Issue(path: "/agent/fallbacks", message: "must be a list of at most 8 model names (provider/model)"))
            }
        }
        let known: Set<String> = ["id", "model", "fallbacks", "name", "description", "emoji", "avatar", "instructions"]
        for key in object.keys.sorted() where !known.contains(key) {
            warnings.append(Issue(path: "/agent/\(key)", message: "unknown key, ignored"))
        }
    }

    private mutating func readOllama(_ value: JSONValue) {
        guard let object = value.objectValue else {
            issues.append(Issue(path: "/ollama", message: "must be an object"))
            return
        }
        if let member = object["url"] {
            if let url = member.stringValue, !url.isEmpty { ollamaURL = url } else {
                issues.append(Issue(path: "/ollama/url", message: "must be a non-empty string"))
            }
        }
        if let member = object["numCtx"] {
            if let number = member.intValue, (256...1_048_576).contains(number) { generation.numCtx = number } else {
                issues.append(Issue(path: "/ollama/numCtx", message: "must be an integer in 256...1048576"))
            }
        }
        if let member = object["keepAlive"] {
            if let text = member.stringValue { generation.keepAlive = text } else {
                issues.append(Issue(path: "/ollama/keepAlive", message: "must be a string such as \"30m\" or \"-1\""))
            }
        }
        if let member = object["temperature"] {
            if let number = member.doubleValue, (0...2).contains(number) { generation.temperature = number } else {
                issues.append(Issue(path: "/ollama/temperature", message: "must be a number in 0...2"))
            }
        }
        let known: Set<String> = ["url", "numCtx", "keepAlive", "temperature"]
        for key in object.keys.sorted() where !known.contains(key) {
            warnings.append(Issue(path: "/ollama/\(key)", message: "unknown key, ignored"))
        }
    }

    private mutating func readSessions(_ value: JSONValue) {
        guard let object = value.objectValue else {
            issues.append(Issue(path: "/sessions", message: "must be an object"))
            return
        }
        let fields: [(String, WritableKeyPath<ConfigFile, Int?>, ClosedRange<Int>)] = [
            ("retentionDays", \.sessionRetentionDays, 0...36_500), ("maxMessages", \.maxMessagesPerSession, 0...10_000_000),
        ]
        for (key, keyPath, range) in fields {
            guard let member = object[key] else { continue }
            if let number = member.intValue, range.contains(number) { self[keyPath: keyPath] = number } else {
                issues.append(Issue(path: "/sessions/\(key)", message: "must be an integer in \(range.lowerBound)...\(range.upperBound) (0 keeps everything)"))
            }
        }
        for key in object.keys.sorted() where !["retentionDays", "maxMessages"].contains(key) {
            warnings.append(Issue(path: "/sessions/\(key)", message: "unknown key, ignored"))
        }
    }
}

import Foundation
import GeneratedProtocol

extension ConfigFile {
    /// `{"providers": {"<name>": {"api", "baseUrl", "apiKeyEnv", "models", "maxRetries", "maxTokens", "streamUsage"}}}`.
    /// `openai` and `anthropic` are built in (only their settings may be changed); any other
    /// name is a new provider and needs `api` and `baseUrl`. A key itself is refused: the file
    /// is a ConfigMap that many can read, so it names the environment variable holding the key.
    mutating func readProviders(_ value: JSONValue) {
        guard let object = value.objectValue else {
            issues.append(Issue(path: "/providers", message: "must be an object"))
            return
        }
        for name in object.keys.sorted() {
            let path = "/providers/\(name)"
            guard name != ProviderSettings.ollamaName else {
                issues.append(Issue(path: path, message: "Ollama is configured under the top-level \"ollama\" key"))
                continue
            }
            guard Self.isProviderName(name) else {
                issues.append(Issue(path: path, message: "a provider name must match ^[a-z0-9][a-z0-9._-]{0,63}$"))
                continue
            }
            guard let member = object[name], let fields = member.objectValue else {
                issues.append(Issue(path: path, message: "must be an object"))
                continue
            }
            if let entry = readProvider(name: name, fields: fields, path: path) { providers.append(entry) }
        }
    }

    private mutating func readProvider(name: String, fields: [String: JSONValue], path: String) -> ProviderFileEntry? {
        var entry = ProviderFileEntry(name: name)
        let builtIn: ProviderAPI? = switch name {
        case ProviderSettings.openAIName: .openAICompletions
        case ProviderSettings.anthropicName: .anthropicMessages
        default: nil
        }
        var valid = true
        func problem(_ key: String, _ message: String) {
            issues.append(Issue(path: "\(path)/\(key)", message: message))
            valid = false
        }
        if let api = fields["api"] {
            if let text = api.stringValue, let parsed = ProviderAPI(rawValue: text), parsed != .ollama {
                if let builtIn, builtIn != parsed { problem("api", "the built-in provider \(name) speaks \(builtIn.rawValue)") }
                entry.api = parsed
            } else {
                problem("api", "must be \"openai-completions\" or \"anthropic-messages\"")
            }
        } else if builtIn == nil {
            problem("api", "is required: \"openai-completions\" (OpenAI-compatible servers) or \"anthropic-messages\"")
        }
        if let url = fields["baseUrl"] {
            if let text = url.stringValue {
                do throws(ProviderEndpointError) {
                    _ = try ProviderEndpoint(parsing: text)
                    entry.baseURL = text
                } catch {
                    problem("baseUrl", error.reason)
                }
            } else {
                problem("baseUrl", "must be a string such as \"http://vllm:8000/v1\"")
            }
        } else if builtIn == nil {
            problem("baseUrl", "is required, e.g. \"http://vllm:8000/v1\"")
        }
        if fields["apiKey"] != nil {
            problem("apiKey", "keys are not read from the config file; put the key in an environment variable and name it in apiKeyEnv")
        }
        if let variable = fields["apiKeyEnv"] {
            if let text = variable.stringValue, text.range(of: #"^[A-Za-z_][A-Za-z0-9_]{0,127}$"#, options: .regularExpression) != nil {
                entry.apiKeyEnv = text
            } else {
                problem("apiKeyEnv", "must be an environment variable name such as VLLM_API_KEY")
            }
        }
        if let models = fields["models"] {
            if let declared = Self.declaredModels(models), declared.count <= 1000 {
                entry.models = declared
            } else {
                problem("models", "must be a list of {\"id\": string, \"name\"?: string, \"contextWindow\"?: integer 1...100000000}")
            }
        }
        if let retries = fields["maxRetries"] {
            if let number = retries.intValue, (0...10).contains(number) { entry.maxRetries = number } else {
                problem("maxRetries", "must be an integer in 0...10")
            }
        }
        if let tokens = fields["maxTokens"] {
            if let number = tokens.intValue, (1...1_000_000).contains(number) { entry.maxTokens = number } else {
                problem("maxTokens", "must be an integer in 1...1000000")
            }
        }
        if let usage = fields["streamUsage"] {
            if case .bool(let flag) = usage { entry.streamUsage = flag } else { problem("streamUsage", "must be true or false") }
        }
        let known: Set<String> = ["api", "baseUrl", "apiKey", "apiKeyEnv", "models", "maxRetries", "maxTokens", "streamUsage"]
        for key in fields.keys.sorted() where !known.contains(key) {
            warnings.append(Issue(path: "\(path)/\(key)", message: "unknown key, ignored"))
        }
        return valid ? entry : nil
    }

    private static func declaredModels(_ value: JSONValue) -> [DeclaredModel]? {
        guard let items = value.arrayValue else { return nil }
        var models: [DeclaredModel] = []
        for item in items {
            if let id = item.stringValue, !id.isEmpty {
                models.append(DeclaredModel(id: id))
                continue
            }
            guard let fields = item.objectValue, let id = fields["id"]?.stringValue, !id.isEmpty else { return nil }
            var model = DeclaredModel(id: id, name: fields["name"]?.stringValue)
            if let window = fields["contextWindow"] {
                guard let number = window.intValue, (1...100_000_000).contains(number) else { return nil }
                model.contextWindow = number
            }
            models.append(model)
        }
        return models
    }

    static func isProviderName(_ name: String) -> Bool {
        name.range(of: #"^[a-z0-9][a-z0-9._-]{0,63}$"#, options: .regularExpression) != nil
    }
}

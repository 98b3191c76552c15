/// `POST /api/show`, reduced to what the gateway uses: `details`, and from `model_info` the
/// architecture and its `<architecture>.context_length`. `model_info` holds hundreds of keys
/// of every JSON type; only the ones needed are decoded.
struct OllamaShowBody: Decodable, Sendable {
    var details: OllamaModelDetails?
    var contextLength: Int?

    enum CodingKeys: String, CodingKey {
        case details
        case modelInfo = "model_info"
    }

    private struct InfoKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        details = try container.decodeIfPresent(OllamaModelDetails.self, forKey: .details)
        guard container.contains(.modelInfo), try !container.decodeNil(forKey: .modelInfo) else { return }
        let info = try container.nestedContainer(keyedBy: InfoKey.self, forKey: .modelInfo)
        let architecture = try? info.decode(String.self, forKey: InfoKey(stringValue: "general.architecture"))
        // The architecture's own key first; any other `*.context_length` (in name order) only as a fallback.
        let preferred = architecture.map { InfoKey(stringValue: "\($0).context_length") }
        let others = info.allKeys
            .filter { $0.stringValue.hasSuffix(".context_length") }
            .sorted { $0.stringValue < $1.stringValue }
        for key in [preferred].compactMap({ $0 }) + others {
            if let value = try? info.decode(Int.self, forKey: key) {
                contextLength = value
                return
            }
        }
    }
}

/// The `details` object of `/api/tags` and `/api/show`; only what the gateway uses.
struct OllamaModelDetails: Decodable, Sendable {
    var family: String?
    var parameterSize: String?

    enum CodingKeys: String, CodingKey {
        case family
        case parameterSize = "parameter_size"
    }
}
